import type { FlagState } from '../../routing/types.js';

/**
 * The parts of a flag state that are written separately to Unleash: the rollout flag's strategies
 * (percentage, group id, overridden users), the override notes and the rollback record (the meta flag),
 * the shadow flag, and the rollout flag's enabled state (the rollback).
 */
export type Part = 'rollout' | 'notes' | 'shadow' | 'rollback';

export function changedParts(a: FlagState, b: FlagState): Set<Part> {
  const parts = new Set<Part>();
  if (a.rollout.percent !== b.rollout.percent || a.rollout.groupId !== b.rollout.groupId)
    parts.add('rollout');
  if (pins(a) !== pins(b)) parts.add('rollout');
  if (notes(a) !== notes(b)) parts.add('notes');
  if (a.shadow.percent !== b.shadow.percent || a.shadow.groupId !== b.shadow.groupId) parts.add('shadow');
  if (a.rollback.engaged !== b.rollback.engaged) parts.add('rollback');
  return parts;
}

/** `remote` with `target`'s values for the given parts. */
export function withParts(remote: FlagState, target: FlagState, parts: ReadonlySet<Part>): FlagState {
  const ownsOverrides = parts.has('rollout') || parts.has('notes');
  return {
    rollout: parts.has('rollout') ? target.rollout : remote.rollout,
    overrides: ownsOverrides ? target.overrides : remote.overrides,
    shadow: parts.has('shadow') ? target.shadow : remote.shadow,
    rollback: parts.has('rollback') ? target.rollback : remote.rollback,
  };
}

/** Whether Unleash now shows what was written for these parts. */
export function reflects(remote: FlagState, target: FlagState, parts: ReadonlySet<Part>): boolean {
  const differing = changedParts(remote, target);
  return [...parts].every((p) => !differing.has(p));
}

/** The document's `switchyard` block for the meta flag: the rollback record and override notes. */
export function metaBlock(state: FlagState): Record<string, unknown> | null {
  const overrideNotes: Record<string, string> = {};
  for (const [id, o] of state.overrides) if (o.note !== undefined) overrideNotes[id] = o.note;
  const { engaged, trigger, reason, at } = state.rollback;
  const block = {
    ...(engaged && { rollback: { trigger, reason, at } }),
    ...(Object.keys(overrideNotes).length > 0 && { overrideNotes }),
  };
  return Object.keys(block).length > 0 ? block : null;
}

function pins(s: FlagState): string {
  return JSON.stringify([...s.overrides].map(([id, o]) => [id, o.serve]).sort());
}

function notes(s: FlagState): string {
  return JSON.stringify([...s.overrides].map(([id, o]) => [id, o.note ?? null]).sort());
}
