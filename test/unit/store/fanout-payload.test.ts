import { fanoutPayload, parseFanoutPayload } from '../../../src/store/postgres-notify.js';
import type { AnnouncedFlags } from '../../../src/routing/types.js';

const flags: AnnouncedFlags = {
  rollout: { percent: 25, groupId: 'switchyard-rollout' },
  shadow: { percent: 5, groupId: 'switchyard-shadow' },
  baseline: { percent: 2, groupId: 'switchyard-baseline' },
  rollback: {
    engaged: true,
    trigger: 'guard',
    reason: 'mismatch_rate: 0.21 > 0.05',
    at: '2026-12-07T17:00:00.000Z',
  },
};

describe('the fan-out notification', () => {
  it('carries who changed the flags and to what, and reads back the same', () => {
    expect(parseFanoutPayload(fanoutPayload('replica-a', flags))).toEqual({ from: 'replica-a', flags });
  });

  it('goes without the flags when they would not fit in a PostgreSQL notification', () => {
    const long = { ...flags, rollback: { ...flags.rollback, reason: 'x'.repeat(1990) } };
    const huge = { ...long, rollout: { ...long.rollout, groupId: 'g'.repeat(200) } };
    const fits = fanoutPayload('a', huge);
    expect(Buffer.byteLength(fits)).toBeLessThan(8000);
    const big = { ...huge, shadow: { ...huge.shadow, groupId: 'y'.repeat(6000) } };
    expect(parseFanoutPayload(fanoutPayload('a', big))).toEqual({ from: 'a', flags: undefined });
  });

  it('refuses what is not one: not JSON, no sender, a percentage out of range, an unknown trigger', () => {
    expect(parseFanoutPayload('not json')).toBeNull();
    expect(parseFanoutPayload(JSON.stringify({ flags }))).toBeNull();
    const bad = (f: unknown) => parseFanoutPayload(JSON.stringify({ from: 'a', flags: f }));
    expect(bad({ ...flags, rollout: { percent: 101, groupId: 'r' } })).toBeNull();
    expect(bad({ ...flags, rollback: { ...flags.rollback, trigger: 'someone' } })).toBeNull();
    expect(parseFanoutPayload(JSON.stringify({ from: 'a' }))).toEqual({ from: 'a', flags: undefined });
  });
});
