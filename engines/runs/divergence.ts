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
): DivergenceKind | null {
  const marked = MARKER.exec(prompt)?.[1];
  const kind = DIVERGENCE_KINDS.find((k) => k === marked);
  if (kind !== undefined) return kind;
  if (setting === null || setting === undefined) return null;
  return random() < (setting.fraction ?? 1) ? setting.kind : null;
}
