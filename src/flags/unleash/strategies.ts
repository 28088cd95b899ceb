import type { FlagNames } from '../document.js';

/**
 * How Switchyard's flag state is spelled in Unleash 8, in one place for the reader and the writer:
 * - rollout flag: one "main" `flexibleRollout` (stickiness userId, groupId the flag's name) whose
 *   `userId NOT_IN` constraint lists users overridden to legacy, and at most one "override" strategy for
 *   overrides to the user engine. Unleash 8 has no `userWithId` strategy any more (the file's
 *   spelling, still read), so the override is a `flexibleRollout` at 100% with a `userId IN` constraint:
 *   unleash-client evaluates both the same way;
 * - shadow flag: one `flexibleRollout`;
 * - meta flag (`<rollout flag>-meta`, never enabled): one strategy whose `switchyard` variant's JSON
 *   payload is the flag document's `switchyard` block (rollback trigger, reason, time; override notes).
 */
export interface UnleashConstraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: unknown;
  inverted?: boolean;
  caseInsensitive?: boolean;
}
export interface UnleashVariant {
  name: string;
  weight: number;
  weightType?: string;
  stickiness?: string;
  payload?: { type: string; value: string };
}
export interface UnleashStrategy {
  id?: string;
  name: string;
  title?: string | null;
  parameters?: Record<string, unknown>;
  constraints?: UnleashConstraint[];
  variants?: UnleashVariant[];
  segments?: number[];
  disabled?: boolean | null;
}
/** A flag as one environment sees it (client API feature, or admin feature + environment). */
export interface UnleashFeature {
  name: string;
  enabled: boolean;
  strategies?: UnleashStrategy[];
  dependencies?: unknown[];
}

export interface UnleashFlagNames extends FlagNames {
  meta: string;
}

export function unleashNames(names: FlagNames): UnleashFlagNames {
  return { ...names, meta: `${names.rollout}-meta` };
}

export const META_VARIANT = 'switchyard';
export const OVERRIDE_TITLE = 'switchyard: overrides to the user engine';

export type StrategyRole = 'main' | 'override' | 'other';

/** A strategy parameter as text (Unleash sends strings; a hand-written file may hold numbers). */
export function param(s: UnleashStrategy | undefined, name: string): string | undefined {
  const value = s?.parameters?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

const isUserId = (c: UnleashConstraint, operator: string): boolean =>
  c.contextName === 'userId' && c.operator === operator && c.inverted !== true;

/** What a strategy of the rollout flag means to Switchyard; `other` is something it cannot follow. */
export function roleOf(s: UnleashStrategy): StrategyRole {
  if (s.name === 'userWithId') return 'override';
  if (s.name !== 'flexibleRollout' || (s.segments?.length ?? 0) > 0) return 'other';
  const constraints = s.constraints ?? [];
  const [first] = constraints;
  if (constraints.length === 1 && first !== undefined && isUserId(first, 'IN')) {
    return Number(param(s, 'rollout')) === 100 ? 'override' : 'other';
  }
  return constraints.every((c) => isUserId(c, 'NOT_IN')) ? 'main' : 'other';
}

/** The users an override strategy lists. */
export function overriddenIds(s: UnleashStrategy): string[] {
  if (s.name === 'userWithId') return splitIds(param(s, 'userIds') ?? '');
  return (s.constraints ?? []).flatMap((c) => c.values ?? []);
}

/** The users a main strategy excludes (overridden to legacy). */
export function excludedIds(s: UnleashStrategy): string[] {
  return (s.constraints ?? []).filter((c) => isUserId(c, 'NOT_IN')).flatMap((c) => c.values ?? []);
}

export function splitIds(text: string): string[] {
  return text
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}

export function flexibleRollout(
  percent: number,
  groupId: string,
  constraints: UnleashConstraint[],
  stickiness = 'userId',
): UnleashStrategy {
  return {
    name: 'flexibleRollout',
    parameters: { rollout: String(percent), stickiness, groupId },
    constraints,
  };
}

export const notIn = (ids: readonly string[]): UnleashConstraint[] =>
  ids.length > 0 ? [{ contextName: 'userId', operator: 'NOT_IN', values: [...ids] }] : [];

export function pinStrategy(rolloutFlag: string, ids: readonly string[]): UnleashStrategy {
  return {
    ...flexibleRollout(100, `${rolloutFlag}-pinned`, [
      { contextName: 'userId', operator: 'IN', values: [...ids] },
    ]),
    title: OVERRIDE_TITLE,
  };
}

/** The meta flag's strategy variants: one `switchyard` variant carrying the block, or none. */
export function metaVariants(block: object | null): UnleashVariant[] {
  if (block === null) return [];
  return [
    {
      name: META_VARIANT,
      weight: 1000,
      weightType: 'variable',
      stickiness: 'default',
      payload: { type: 'json', value: JSON.stringify(block) },
    },
  ];
}

/** The meta block a feature carries, as raw JSON text, or null. */
export function metaPayload(feature: UnleashFeature | undefined): string | null {
  for (const s of feature?.strategies ?? []) {
    const v = s.variants?.find((x) => x.name === META_VARIANT);
    if (v?.payload !== undefined) return v.payload.value;
  }
  return null;
}
