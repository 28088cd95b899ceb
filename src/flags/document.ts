import { z } from 'zod';
import type { Engine, FlagState, Override, RollbackState } from '../routing/types.js';

/**
 * The flag file is Unleash's client-features document (what `/api/client/features` returns), so
 * that unleash-client can read it as a bootstrap and an Unleash server can import it as is:
 * - the rollout flag: one `flexibleRollout` strategy (stickiness userId, groupId the flag's name)
 *   whose `userId NOT_IN` constraint lists users overridden to legacy, and one `userWithId` strategy
 *   listing overrides to the user engine; `enabled: false` means rolled back;
 * - the shadow flag: one `flexibleRollout` strategy;
 * - `switchyard`: what Unleash has no field for (the rollback's trigger, reason and time, override notes).
 */
const strategy = z.looseObject({
  name: z.string(),
  parameters: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  constraints: z
    .array(
      z.looseObject({
        contextName: z.string(),
        operator: z.string(),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
const feature = z.looseObject({
  name: z.string(),
  enabled: z.boolean(),
  strategies: z.array(strategy).default([]),
});
const rollbackMeta = z.strictObject({
  trigger: z.enum(['manual', 'guard', 'external']).nullable(),
  reason: z.string().nullable(),
  at: z.string().nullable(),
});
export const flagDocumentSchema = z.looseObject({
  version: z.number().default(2),
  features: z.array(feature),
  switchyard: z
    .strictObject({
      rollback: rollbackMeta.optional(),
      overrideNotes: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});
export type FlagDocument = z.infer<typeof flagDocumentSchema>;
type Feature = z.infer<typeof feature>;
type Strategy = z.infer<typeof strategy>;

export interface FlagNames {
  rollout: string;
  shadow: string;
}

export function emptyState(names: FlagNames): FlagState {
  return {
    rollout: { percent: 0, groupId: names.rollout },
    shadow: { percent: 0, groupId: names.shadow },
    rollback: { engaged: false, trigger: null, reason: null, at: null },
    overrides: new Map(),
  };
}

/**
 * Reads the document; throws an Error naming the problem when it is not one we can trust (a
 * document without the rollout flag says nothing about the rollout: it is not read as 0%).
 */
export function documentToState(input: unknown, names: FlagNames): FlagState {
  const doc = flagDocumentSchema.parse(input);
  const rolloutFeature = doc.features.find((f) => f.name === names.rollout);
  const shadowFeature = doc.features.find((f) => f.name === names.shadow);
  if (rolloutFeature === undefined) {
    throw new Error(`no flag named ${names.rollout} (ROLLOUT_FLAG): the rollout is unknown`);
  }
  const base = emptyState(names);
  const rollout = readRollout(rolloutFeature, names.rollout);
  const meta = doc.switchyard?.rollback;
  const rollback: RollbackState = rolloutFeature.enabled
    ? base.rollback
    : {
        engaged: true,
        trigger: meta?.trigger ?? 'external',
        reason: meta?.reason ?? null,
        at: meta?.at ?? null,
      };
  const overrides = new Map<string, Override>();
  const notes = doc.switchyard?.overrideNotes ?? {};
  const addOverride = (id: string, serve: Engine): void => {
    const note = notes[id];
    overrides.set(id, note === undefined ? { serve } : { serve, note });
  };
  rollout.legacyOverrides.forEach((id) => addOverride(id, 'legacy'));
  rollout.userOverrides.forEach((id) => addOverride(id, 'user'));
  const shadow =
    shadowFeature === undefined || !shadowFeature.enabled ? null : readRollout(shadowFeature, names.shadow);
  return {
    rollout: { percent: rollout.percent, groupId: rollout.groupId },
    shadow: { percent: shadow?.percent ?? 0, groupId: shadow?.groupId ?? names.shadow },
    rollback,
    overrides,
  };
}

export function stateToDocument(state: FlagState, names: FlagNames): FlagDocument {
  const legacyOverrides: string[] = [];
  const userOverrides: string[] = [];
  const overrideNotes: Record<string, string> = {};
  for (const [id, o] of state.overrides) {
    (o.serve === 'user' ? userOverrides : legacyOverrides).push(id);
    if (o.note !== undefined) overrideNotes[id] = o.note;
  }
  const rolloutStrategies: Strategy[] = [
    flexibleRollout(state.rollout.percent, state.rollout.groupId, legacyOverrides),
  ];
  if (userOverrides.length > 0)
    rolloutStrategies.push({ name: 'userWithId', parameters: { userIds: userOverrides.join(',') } });
  return {
    version: 2,
    features: [
      {
        name: names.rollout,
        type: 'release',
        enabled: !state.rollback.engaged,
        strategies: rolloutStrategies,
      },
      {
        name: names.shadow,
        type: 'experiment',
        enabled: true,
        strategies: [flexibleRollout(state.shadow.percent, state.shadow.groupId, [])],
      },
    ],
    switchyard: {
      ...(state.rollback.engaged && {
        rollback: { trigger: state.rollback.trigger, reason: state.rollback.reason, at: state.rollback.at },
      }),
      ...(Object.keys(overrideNotes).length > 0 && { overrideNotes }),
    },
  };
}

function flexibleRollout(percent: number, groupId: string, notIn: readonly string[]): Strategy {
  return {
    name: 'flexibleRollout',
    parameters: { rollout: String(percent), stickiness: 'userId', groupId },
    constraints: notIn.length > 0 ? [{ contextName: 'userId', operator: 'NOT_IN', values: [...notIn] }] : [],
  };
}

function readRollout(f: Feature, flagName: string) {
  const flexible = f.strategies.find((s) => s.name === 'flexibleRollout');
  const withId = f.strategies.find((s) => s.name === 'userWithId');
  const params = flexible?.parameters ?? {};
  const percent = Number(params.rollout ?? 0);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new Error(`${flagName}: flexibleRollout rollout must be a number in 0..100`);
  }
  const stickiness = String(params.stickiness ?? 'default');
  if (flexible !== undefined && stickiness !== 'userId' && stickiness !== 'default') {
    throw new Error(`${flagName}: flexibleRollout stickiness must be userId`);
  }
  const notIn = (flexible?.constraints ?? []).find(
    (c) => c.contextName === 'userId' && c.operator === 'NOT_IN',
  );
  const userIds = String(withId?.parameters?.userIds ?? '');
  return {
    percent,
    groupId: String(params.groupId ?? flagName),
    legacyOverrides: notIn?.values ?? [],
    userOverrides: userIds
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
}
