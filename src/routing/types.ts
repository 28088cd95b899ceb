/** The two execution engines behind the proxy. */
export type Engine = 'legacy' | 'user';
export const ENGINES: readonly Engine[] = ['legacy', 'user'];

/** Where a copy goes: nowhere, or an engine (the serving one itself for a baseline copy). */
export type ShadowTarget = 'none' | Engine;

/** Why a user got their assignment; a fixed set, used as a metric label. */
export type Reason =
  'rollback' | 'override' | 'rollout' | 'not-in-rollout' | 'anonymous' | 'flags-unavailable' | 'fallback';
export const REASONS: readonly Reason[] = [
  'rollback',
  'override',
  'rollout',
  'not-in-rollout',
  'anonymous',
  'flags-unavailable',
  'fallback',
];

export interface Assignment {
  readonly serve: Engine;
  readonly shadow: ShadowTarget;
  readonly reason: Reason;
}

export type RollbackTrigger = 'manual' | 'guard' | 'external';
export const ROLLBACK_TRIGGERS: readonly RollbackTrigger[] = ['manual', 'guard', 'external'];

export interface RollbackState {
  readonly engaged: boolean;
  readonly trigger: RollbackTrigger | null;
  readonly reason: string | null;
  /** ISO-8601 time the switch was engaged. */
  readonly at: string | null;
}

export interface PercentFlag {
  /** 0..100, integer or not: Unleash's flexibleRollout takes an integer, the file a number. */
  readonly percent: number;
  /** The bucketing group id; the flag's name in both flag sources. */
  readonly groupId: string;
}

export interface Override {
  readonly serve: Engine;
  readonly note?: string;
}

/** Everything a decision needs, as plain data. */
export interface FlagState {
  readonly rollout: PercentFlag;
  readonly shadow: PercentFlag;
  /**
   * The noise baseline: users whose traffic is copied to a second session of the engine that
   * serves them (docs/shadow.md, "Noise baseline"). Absent reads as 0%.
   */
  readonly baseline?: PercentFlag;
  readonly rollback: RollbackState;
  readonly overrides: ReadonlyMap<string, Override>;
}

/**
 * What a replica tells the fleet of a flag change it made (docs/fleet.md, "Instant fan-out"): the
 * percentages and the switch, never the overrides (they hold user ids).
 */
export type AnnouncedFlags = Pick<FlagState, 'rollout' | 'shadow' | 'baseline' | 'rollback'>;

export type Stage = 'legacy' | 'shadow' | 'canary' | 'complete' | 'rolled-back';
