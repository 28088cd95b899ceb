import type { UnleashFlagSource } from '../../../src/flags/unleash/source.js';
import { flexibleRollout, metaVariants, notIn } from '../../../src/flags/unleash/strategies.js';
import type { AnnouncedFlags, RollbackState } from '../../../src/routing/types.js';
import { names, useFakeUnleash, waitFor } from './helpers.js';

/**
 * The fleet's changes arrive in milliseconds, Unleash shows them to polls up to a second late: a
 * replica told "resumed" then "rolled back again" may still poll the rollback before them. Such a
 * stale poll must not put the earlier rollback (its reason, its trigger) back on this replica
 * (the fanout system test's flake: /admin/flags showed rollback #1's reason after rollback #2).
 */
const unleash = useFakeUnleash({ seed: { rollout: 10, shadow: 5 } });
let s: UnleashFlagSource;

/** Long, so that a busy machine cannot end it mid-test: the grace's end is LocalChanges' tests'. */
const GRACE_MS = 10_000;
const NOT_ENGAGED: RollbackState = { engaged: false, trigger: null, reason: null, at: null };
const first = { engaged: true, trigger: 'manual' as const, reason: '#1', at: '2026-12-07T17:00:01.000Z' };
const second = { engaged: true, trigger: 'manual' as const, reason: '#2', at: '2026-12-07T17:00:02.000Z' };

beforeEach(async () => {
  s = (await unleash.started({ refreshMs: 60_000, graceMs: GRACE_MS })).source;
});

const announced = (rollback: RollbackState): AnnouncedFlags => {
  const now = s.current()!;
  return { rollout: now.rollout, shadow: now.shadow, rollback };
};

/** What Unleash publishes for a rollback written by Switchyard: its record, the flag disabled. */
function publishRollback(rollback: RollbackState): void {
  const { trigger, reason, at } = rollback;
  const variants = metaVariants({ rollback: { trigger, reason, at } });
  unleash.fake.put(names.meta, false, [{ ...flexibleRollout(0, names.meta, []), variants }], 'operational');
  unleash.fake.put(names.rollout, false, [flexibleRollout(10, names.rollout, notIn([]))]);
}

/** Asks for polls until one has answered after now. */
async function polled(): Promise<void> {
  const since = Date.now();
  await waitFor(() => {
    if (Date.parse(s.status().lastSync ?? '') > since) return true;
    s.refresh();
    return false;
  });
}

describe('the Unleash source, its polls lagging behind the fleet’s notifications', () => {
  it('keeps a new rollback while a poll still shows the one resumed before it', async () => {
    publishRollback(first);
    await polled();
    expect(s.current()?.rollback).toEqual(first);
    s.refresh(announced(NOT_ENGAGED)); // resumed elsewhere; Unleash has not published it yet
    s.refresh(announced(second)); // and rolled back again
    expect(s.current()?.rollback).toEqual(second);
    await polled(); // Unleash still shows rollback #1
    expect(s.current()?.rollback).toEqual(second);
    publishRollback(second);
    await polled();
    expect(s.current()?.rollback).toEqual(second);
  });

  it('stays resumed when a poll shows the resumed rollback late, and obeys the next rollback', async () => {
    s.refresh(announced(first));
    s.refresh(announced(NOT_ENGAGED));
    await polled(); // Unleash shows neither yet: the resume looks reflected
    expect(s.current()?.rollback.engaged).toBe(false);
    publishRollback(first); // Unleash publishes the rollback late (the resume comes after it)
    await polled();
    expect(s.current()?.rollback).toEqual(NOT_ENGAGED);
    s.refresh(announced(second));
    expect(s.current()?.rollback).toEqual(second);
  });
});
