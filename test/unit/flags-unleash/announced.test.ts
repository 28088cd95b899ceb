import type { UnleashFlagSource } from '../../../src/flags/unleash/source.js';
import { flexibleRollout, notIn } from '../../../src/flags/unleash/strategies.js';
import type { AnnouncedFlags } from '../../../src/routing/types.js';
import { names, useFakeUnleash, waitFor } from './helpers.js';

/**
 * The fleet fan-out's notification carries what another replica wrote (docs/fleet.md): the
 * source obeys it at once, before Unleash shows it to polls, and Unleash stays the truth after
 * the grace.
 */
const unleash = useFakeUnleash({ seed: { rollout: 10, shadow: 5 } });
let s: UnleashFlagSource;

const GRACE_MS = 300;

beforeEach(async () => {
  // Polls once a minute: only the notification and the polls it asks for can explain a change.
  s = (await unleash.started({ refreshMs: 60_000, graceMs: GRACE_MS })).source;
});

const announced = (over: Partial<AnnouncedFlags>): AnnouncedFlags => {
  const now = s.current()!;
  return { rollout: now.rollout, shadow: now.shadow, rollback: now.rollback, ...over };
};
const rollback = {
  engaged: true,
  trigger: 'manual' as const,
  reason: 'fan-out',
  at: '2026-12-07T17:00:00.000Z',
};
/** Polls until one succeeds more than twice the grace after `since`: the grace has passed. */
const pollAfterGrace = (since: number) =>
  waitFor(() => {
    if (Date.parse(s.status().lastSync ?? '') > since + 2 * GRACE_MS) return true;
    s.refresh(); // a changed answer ends the poller's burst: ask again
    return false;
  });
const disableRollout = () =>
  unleash.fake.put(names.rollout, false, [flexibleRollout(10, names.rollout, notIn([]))]);

describe('the Unleash source told of another replica’s change', () => {
  it('obeys an announced rollback at once, and keeps it once Unleash shows it', async () => {
    const t0 = Date.now();
    s.refresh(announced({ rollback }));
    expect(s.current()?.rollback).toEqual(rollback); // no poll has answered yet
    disableRollout();
    await pollAfterGrace(t0);
    expect(s.current()?.rollback.engaged).toBe(true);
  });

  it('follows Unleash again when it never shows the announced rollback (a false or lost write)', async () => {
    s.refresh(announced({ rollback }));
    expect(s.current()?.rollback.engaged).toBe(true);
    await waitFor(() => s.current()?.rollback.engaged === false);
    expect(s.current()?.rollout.percent).toBe(10);
  });

  it('obeys an announced percentage at once, and a resume made elsewhere releases the rollback', async () => {
    const t0 = Date.now();
    unleash.fake.put(names.rollout, true, [flexibleRollout(40, names.rollout, notIn([]))]);
    s.refresh(announced({ rollout: { ...s.current()!.rollout, percent: 40 } }));
    expect(s.current()?.rollout.percent).toBe(40);
    s.refresh(announced({ rollback }));
    expect(s.current()?.rollback.engaged).toBe(true);
    s.refresh(announced({ rollback: { engaged: false, trigger: null, reason: null, at: null } }));
    expect(s.current()?.rollback.engaged).toBe(false);
    await pollAfterGrace(t0);
    expect(s.current()).toMatchObject({ rollout: { percent: 40 }, rollback: { engaged: false } });
  });

  it('ignores an announcement that changes nothing, and a bare refresh still re-reads', async () => {
    const before = s.current();
    s.refresh(announced({}));
    expect(s.current()).toBe(before);
    unleash.fake.put(names.shadow, true, [flexibleRollout(25, names.shadow, [])], 'experiment');
    s.refresh();
    await waitFor(() => s.current()?.shadow.percent === 25);
  });
});
