import { emptyState, flagDocumentSchema } from '../document.js';
import type { FlagState, Override, PercentFlag, RollbackState } from '../../routing/types.js';
import { STALE_RECORD_MS } from './options.js';
import {
  excludedIds,
  metaPayload,
  param,
  overriddenIds,
  roleOf,
  type UnleashFeature,
  type UnleashFlagNames,
  type UnleashStrategy,
} from './strategies.js';

export interface Reading {
  /** null: the flags are in a shape that unleash-client and Switchyard would read differently. */
  state: FlagState | null;
  /** In words, for the status and the log; never a secret. */
  problems: string[];
  /**
   * The meta flag still records a rollback though the rollout flag is enabled, and has for longer
   * than a write takes (STALE_RECORD_MS): it was resumed outside Switchyard; the record must go.
   */
  staleRecord: boolean;
}

type MetaBlock = NonNullable<ReturnType<typeof readMeta>['block']>;
const NOT_ENGAGED: RollbackState = { engaged: false, trigger: null, reason: null, at: null };

/**
 * Unleash's view of the flags (client API features, or the admin API's environment) as the state
 * that `decide` reads. Only shapes that `decide` evaluates exactly as unleash-client does are
 * accepted: anything else (another strategy, another constraint, a segment, a dependency) makes
 * the reading `null`, and the source keeps its last good state. A disabled rollout flag is always
 * read as a rollback, whatever its strategies: disabling is the way to stop everything.
 */
export function readFeatures(
  features: readonly UnleashFeature[],
  names: UnleashFlagNames,
  now = Date.now(),
): Reading {
  const byName = new Map(features.map((f) => [f.name, f]));
  const rolloutFeature = byName.get(names.rollout);
  if (rolloutFeature === undefined) {
    const problem = `flag ${names.rollout} not found in Unleash: everyone on legacy (run \`switchyard flags init\`)`;
    return { state: emptyState(names), problems: [problem], staleRecord: false };
  }
  const rollout = readRollout(rolloutFeature);
  const shadowFeature = byName.get(names.shadow);
  const shadow = shadowFeature?.enabled === true ? readShadow(shadowFeature) : null;
  const meta = readMeta(byName.get(names.meta), names.meta);
  const problems = [...rollout.problems, ...(shadow?.problems ?? []), ...meta.problems];
  const followable = rollout.problems.length === 0 && (shadow?.problems.length ?? 0) === 0;
  const recordAt = meta.block?.rollback === undefined ? undefined : meta.block.rollback.at;
  const staleRecord =
    rolloutFeature.enabled &&
    recordAt !== undefined &&
    (recordAt === null || now - Date.parse(recordAt) > STALE_RECORD_MS);
  if (rolloutFeature.enabled && !followable) return { state: null, problems, staleRecord };
  const state: FlagState = {
    rollout: rollout.flag,
    shadow: shadow?.flag ?? { percent: 0, groupId: names.shadow },
    rollback: rolloutFeature.enabled ? NOT_ENGAGED : rollbackFrom(meta.block),
    overrides: overridesFrom(rollout.legacy, rollout.user, meta.block),
  };
  return { state, problems, staleRecord };
}

function readRollout(f: UnleashFeature) {
  const active = (f.strategies ?? []).filter((s) => s.disabled !== true);
  const mains = active.filter((s) => roleOf(s) === 'main');
  const overrideStrategies = active.filter((s) => roleOf(s) === 'override');
  const others = active.filter((s) => roleOf(s) === 'other');
  const problems: string[] = [];
  if (others.length > 0) problems.push(`${f.name}: strategies Switchyard cannot follow: ${describe(others)}`);
  if (mains.length !== 1) {
    problems.push(
      active.length === 0
        ? `${f.name}: no strategy (Unleash would enable it for everyone); run \`switchyard flags init\``
        : `${f.name}: ${mains.length} flexibleRollout strategies without a userId IN constraint; Switchyard follows exactly one`,
    );
  }
  if ((f.dependencies?.length ?? 0) > 0) problems.push(`${f.name}: depends on other flags`);
  const [main] = mains;
  const flag = percentOf(main, f.name, problems);
  return {
    flag,
    problems,
    legacy: main === undefined ? [] : excludedIds(main),
    user: overrideStrategies.flatMap(overriddenIds),
  };
}

function readShadow(f: UnleashFeature) {
  const active = (f.strategies ?? []).filter((s) => s.disabled !== true);
  const problems: string[] = [];
  const [main] = active;
  if (
    active.length !== 1 ||
    main === undefined ||
    main.name !== 'flexibleRollout' ||
    roleOf(main) !== 'main'
  ) {
    problems.push(
      `${f.name}: Switchyard follows exactly one flexibleRollout strategy; found ${describe(active)}`,
    );
  } else if ((main.constraints?.length ?? 0) > 0) {
    problems.push(`${f.name}: the flexibleRollout strategy has constraints`);
  }
  if ((f.dependencies?.length ?? 0) > 0) problems.push(`${f.name}: depends on other flags`);
  return { flag: percentOf(main, f.name, problems), problems };
}

function percentOf(s: UnleashStrategy | undefined, flagName: string, problems: string[]): PercentFlag {
  const percent = Number(param(s, 'rollout') ?? 0);
  const stickiness = param(s, 'stickiness') ?? 'default';
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    problems.push(`${flagName}: flexibleRollout rollout must be a number in 0..100`);
  }
  if (s !== undefined && stickiness !== 'userId' && stickiness !== 'default') {
    problems.push(`${flagName}: flexibleRollout stickiness must be userId (is ${stickiness})`);
  }
  const groupId = param(s, 'groupId') || flagName;
  return { percent: Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0, groupId };
}

function readMeta(f: UnleashFeature | undefined, name: string) {
  const text = metaPayload(f);
  if (text === null) return { block: null, problems: [] };
  try {
    const block = flagDocumentSchema.shape.switchyard.parse(JSON.parse(text)) ?? null;
    return { block, problems: [] };
  } catch {
    return { block: null, problems: [`${name}: the switchyard variant's payload is not readable; ignored`] };
  }
}

function rollbackFrom(block: MetaBlock | null): RollbackState {
  const meta = block?.rollback;
  return {
    engaged: true,
    trigger: meta?.trigger ?? 'external',
    reason: meta?.reason ?? null,
    at: meta?.at ?? null,
  };
}

function overridesFrom(legacy: string[], user: string[], block: MetaBlock | null): Map<string, Override> {
  const notes = block?.overrideNotes ?? {};
  const overrides = new Map<string, Override>();
  const addOverride = (id: string, serve: Override['serve']): void => {
    const note = notes[id];
    overrides.set(id, note === undefined ? { serve } : { serve, note });
  };
  legacy.forEach((id) => addOverride(id, 'legacy'));
  user.forEach((id) => addOverride(id, 'user'));
  return overrides;
}

function describe(strategies: UnleashStrategy[]): string {
  if (strategies.length === 0) return 'none';
  return strategies
    .map((s) => {
      const constraints = (s.constraints ?? []).map((c) => `${c.contextName} ${c.operator}`);
      return constraints.length === 0 ? s.name : `${s.name} (${constraints.join(', ')})`;
    })
    .join('; ');
}
