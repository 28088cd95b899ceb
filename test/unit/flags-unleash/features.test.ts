import { readFeatures } from '../../../src/flags/unleash/features.js';
import {
  flexibleRollout,
  metaVariants,
  notIn,
  pinStrategy,
  unleashNames,
  type UnleashFeature,
} from '../../../src/flags/unleash/strategies.js';

const names = unleashNames({ rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' });

function flags(options: {
  percent?: number;
  enabled?: boolean;
  legacy?: string[];
  user?: string[];
  shadow?: number;
  record?: object | null;
  extra?: UnleashFeature['strategies'];
}): UnleashFeature[] {
  const rollout = [flexibleRollout(options.percent ?? 0, names.rollout, notIn(options.legacy ?? []))];
  if ((options.user ?? []).length > 0) rollout.push(pinStrategy(names.rollout, options.user ?? []));
  return [
    {
      name: names.rollout,
      enabled: options.enabled ?? true,
      strategies: [...rollout, ...(options.extra ?? [])],
    },
    {
      name: names.shadow,
      enabled: true,
      strategies: [flexibleRollout(options.shadow ?? 0, names.shadow, [])],
    },
    {
      name: names.meta,
      enabled: false,
      strategies: [{ ...flexibleRollout(0, names.meta, []), variants: metaVariants(options.record ?? null) }],
    },
  ];
}

describe('reading the flags Unleash serves', () => {
  it('reads percentages, group ids and overridden users', () => {
    const { state, problems } = readFeatures(
      flags({
        percent: 25,
        shadow: 5,
        legacy: ['ann'],
        user: ['bob', 'cy'],
        record: { overrideNotes: { bob: 'staff' } },
      }),
      names,
    );
    expect(problems).toEqual([]);
    expect(state?.rollout).toEqual({ percent: 25, groupId: names.rollout });
    expect(state?.shadow).toEqual({ percent: 5, groupId: names.shadow });
    expect(state?.rollback.engaged).toBe(false);
    expect([...(state?.overrides ?? [])]).toEqual([
      ['ann', { serve: 'legacy' }],
      ['bob', { serve: 'user', note: 'staff' }],
      ['cy', { serve: 'user' }],
    ]);
  });

  it('reads a disabled rollout flag as a rollback from outside, keeping the percentages', () => {
    const { state } = readFeatures(flags({ percent: 40, enabled: false }), names);
    expect(state?.rollback).toEqual({ engaged: true, trigger: 'external', reason: null, at: null });
    expect(state?.rollout.percent).toBe(40);
  });

  it("reports the trigger and reason of the meta flag's record", () => {
    const record = { rollback: { trigger: 'guard', reason: 'p95 +40%', at: '2025-01-01T00:00:00.000Z' } };
    const { state } = readFeatures(flags({ enabled: false, record }), names);
    expect(state?.rollback).toEqual({ engaged: true, ...record.rollback });
  });

  it('flags a rollback record left behind on an enabled rollout flag as stale', () => {
    const record = { rollback: { trigger: 'manual', reason: null, at: '2025-01-01T00:00:00.000Z' } };
    const reading = readFeatures(flags({ record }), names);
    expect(reading.state?.rollback.engaged).toBe(false);
    expect(reading.staleRecord).toBe(true);
    const fresh = Date.parse('2025-01-01T00:00:00.000Z') + 1000;
    expect(readFeatures(flags({ record }), names, fresh).staleRecord).toBe(false);
  });

  it('refuses an enabled rollout flag with a strategy it cannot follow', () => {
    const extra = [{ name: 'remoteAddress', parameters: { IPs: '10.0.0.1' } }];
    const reading = readFeatures(flags({ percent: 10, extra }), names);
    expect(reading.state).toBeNull();
    expect(reading.problems.join()).toContain('strategies Switchyard cannot follow: remoteAddress');
  });

  it('still reads a disabled rollout flag as a rollback, whatever its strategies', () => {
    const extra = [{ name: 'default' }];
    const reading = readFeatures(flags({ enabled: false, extra }), names);
    expect(reading.state?.rollback.engaged).toBe(true);
  });

  it('refuses an enabled rollout flag without strategies (Unleash would enable it for everyone)', () => {
    const reading = readFeatures([{ name: names.rollout, enabled: true, strategies: [] }], names);
    expect(reading.state).toBeNull();
    expect(reading.problems.join()).toContain('would enable it for everyone');
  });

  it('refuses constraints other than userId NOT_IN on the main strategy', () => {
    const odd = flexibleRollout(10, names.rollout, [
      { contextName: 'environment', operator: 'IN', values: ['x'] },
    ]);
    const reading = readFeatures([{ name: names.rollout, enabled: true, strategies: [odd] }], names);
    expect(reading.state).toBeNull();
  });

  it('refuses a stickiness other than userId', () => {
    const odd = flexibleRollout(10, names.rollout, [], 'sessionId');
    const reading = readFeatures([{ name: names.rollout, enabled: true, strategies: [odd] }], names);
    expect(reading.problems.join()).toContain('stickiness must be userId');
  });

  it('serves everyone legacy when the rollout flag does not exist, and says to run flags init', () => {
    const reading = readFeatures([], names);
    expect(reading.state?.rollout.percent).toBe(0);
    expect(reading.problems.join()).toContain('switchyard flags init');
  });

  it('ignores an unreadable record but keeps the flags', () => {
    const meta = {
      name: names.meta,
      enabled: false,
      strategies: [
        {
          ...flexibleRollout(0, names.meta, []),
          variants: [{ name: 'switchyard', weight: 1000, payload: { type: 'json', value: '{broken' } }],
        },
      ],
    };
    const reading = readFeatures([...flags({ percent: 5 }).slice(0, 2), meta], names);
    expect(reading.state?.rollout.percent).toBe(5);
    expect(reading.problems.join()).toContain('not readable');
  });

  it('still reads the file spelling of overridden users (userWithId)', () => {
    const strategies = [
      flexibleRollout(0, names.rollout, []),
      { name: 'userWithId', parameters: { userIds: 'dee, eve' } },
    ];
    const { state } = readFeatures([{ name: names.rollout, enabled: true, strategies }], names);
    expect([...(state?.overrides.keys() ?? [])]).toEqual(['dee', 'eve']);
  });
});
