import { DIVERGENCE_KINDS, type DivergenceKind, type EngineFaults } from '../types.js';

const MARKER = /#diverge:([a-z_]+)/;

/**
 * The divergence of one run: a `#diverge:<kind>` marker in the prompt wins; otherwise the
 * engine's configured divergence applies to `fraction` of runs (default all).
 */
export function pickDivergence(
  prompt: string,
  setting: EngineFaults['divergence'],
  random: () => number = Math.random,
  regression: EngineFaults['regression'] = null,
): DivergenceKind | null {
  const marked = MARKER.exec(prompt)?.[1];
  const kind = DIVERGENCE_KINDS.find((k) => k === marked);
  if (kind !== undefined) return kind;
  if (regression !== null && regression !== undefined && promptShare(prompt) < regression.fraction)
    return regression.kind;
  if (setting === null || setting === undefined) return null;
  return random() < (setting.fraction ?? 1) ? setting.kind : null;
}

/** Where a prompt falls in [0, 1): FNV-1a of its text, the same on every engine and session. */
export function promptShare(prompt: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ prompt.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4294967296;
}
