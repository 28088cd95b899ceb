import { emptyState } from '../../../src/flags/document.js';
import { LocalChanges } from '../../../src/flags/unleash/local-changes.js';
import type { FlagState, RollbackState } from '../../../src/routing/types.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
const at = (percent: number, engaged = false): FlagState => ({
  ...emptyState(names),
  rollout: { percent, groupId: names.rollout },
  rollback: engaged
    ? { engaged: true, trigger: 'external', reason: null, at: null }
    : { engaged: false, trigger: null, reason: null, at: null },
});
const manual = { engaged: true, trigger: 'manual' as const, reason: 'bad', at: '2025-01-01T00:00:00.000Z' };

describe('changes made here, laid over what Unleash shows', () => {
  it('shows a written percentage until a poll reflects it, without flickering back', () => {
    const local = new LocalChanges(emptyState(names), 5000);
    local.expect(at(50), new Set(['rollout']));
    expect(local.view(at(10))?.rollout.percent).toBe(50);
    local.observe(at(10), 1000);
    expect(local.view(at(10))?.rollout.percent).toBe(50);
    local.observe(at(50), 2000);
    expect(local.view(at(70))?.rollout.percent).toBe(70);
  });

  it('follows Unleash when it still shows another value a grace period after accepting the write', () => {
    const local = new LocalChanges(emptyState(names), 5000);
    const target = at(50);
    local.expect(target, new Set(['rollout']));
    local.acknowledge(target, 1000);
    expect(local.observe(at(30), 4000)).toEqual([]);
    expect(local.observe(at(30), 7000).join()).toContain('following Unleash');
    expect(local.view(at(30))?.rollout.percent).toBe(30);
  });

  it('holds a local rollback over an enabled flag for as long as it takes, then lets Unleash decide', () => {
    const local = new LocalChanges(emptyState(names), 5000);
    local.engage(manual);
    for (let t = 0; t < 100_000; t += 10_000) local.observe(at(50), t);
    expect(local.view(at(50))?.rollback).toEqual(manual);
    local.observe(at(50, true), 200_000);
    expect(local.holding).toBe(false);
    expect(local.view(at(50, false))?.rollback.engaged).toBe(false);
  });

  it('follows Unleash once it shows the flag enabled well after accepting the rollback (resumed elsewhere)', () => {
    const local = new LocalChanges(emptyState(names), 2500);
    local.engage(manual);
    local.markHoldWritten(1000);
    expect(local.observe(at(50), 3000)).toEqual([]);
    expect(local.observe(at(50), 4000).join()).toContain('resumed elsewhere');
    expect(local.view(at(50))?.rollback.engaged).toBe(false);
  });

  it('rolls back even before any flag is known', () => {
    const local = new LocalChanges(emptyState(names), 5000);
    local.engage(manual);
    expect(local.view(null)?.rollback.engaged).toBe(true);
  });

  it('lets a new rollback win over a resume still waiting to be seen', () => {
    const local = new LocalChanges(emptyState(names), 5000);
    local.expect(at(50), new Set(['rollback']));
    local.engage(manual);
    local.observe(at(50, true), 1000);
    expect(local.view(at(50, true))?.rollback.engaged).toBe(true);
  });
});

/** Unleash with the rollout flag disabled and this rollback recorded on the meta flag. */
const recorded = (rollback: RollbackState): FlagState => ({ ...at(50), rollback });
const first = { engaged: true, trigger: 'manual' as const, reason: '#1', at: '2026-12-07T17:00:01.000Z' };
const second = { engaged: true, trigger: 'manual' as const, reason: '#2', at: '2026-12-07T17:00:02.000Z' };

describe('a poll that still shows an earlier rollback (Unleash publishes changes up to a second late)', () => {
  it('does not release a newer rollback, and shows it until Unleash records it', () => {
    const local = new LocalChanges(emptyState(names), 2500);
    local.engage(second);
    local.markHoldWritten(1000);
    expect(local.observe(recorded(first), 1500)).toEqual([]);
    expect(local.view(recorded(first))?.rollback).toEqual(second);
    expect(local.observe(recorded(second), 2000)).toEqual(['the local rollback is now reflected by Unleash']);
    expect(local.view(recorded(second))?.rollback).toEqual(second);
  });

  it('follows Unleash when it still shows the earlier rollback after the grace', () => {
    const local = new LocalChanges(emptyState(names), 2500);
    local.engage(second);
    local.markHoldWritten(1000);
    expect(local.observe(recorded(first), 4000).join()).toContain('earlier rollback');
    expect(local.view(recorded(first))?.rollback).toEqual(first);
  });

  it('releases the hold for a later or an external rollback at once, as before', () => {
    const later = new LocalChanges(emptyState(names), 2500);
    later.engage(first);
    later.markHoldWritten(1000);
    later.observe(recorded(second), 1500);
    expect(later.holding).toBe(false);
    const external = new LocalChanges(emptyState(names), 2500);
    external.engage(second);
    external.observe(at(50, true), 1500);
    expect(external.holding).toBe(false);
  });

  it('shows a resumed rollback as resumed after its pending resume is gone, until the grace ends', () => {
    const local = new LocalChanges(emptyState(names), 2500);
    const resumed = at(50);
    local.resume(first);
    local.expect(resumed, new Set(['rollback']));
    local.acknowledge(resumed, 1000);
    local.observe(at(50), 1200); // Unleash has not published the rollback yet: the resume "reflected"
    expect(local.view(recorded(first))?.rollback.engaged).toBe(false); // then it publishes the rollback
    expect(local.observe(recorded(first), 1400)).toEqual([]);
    expect(local.view(recorded(first))?.rollback.engaged).toBe(false);
    expect(local.graceEndsAt()).toBe(3500);
    expect(local.observe(recorded(first), 3600).join()).toContain('rollback resumed since');
    expect(local.view(recorded(first))?.rollback).toEqual(first);
  });

  it('still shows a rollback engaged after the resumed one, or an external one after a recorded one', () => {
    const local = new LocalChanges(emptyState(names), 2500);
    local.resume(first);
    local.acknowledge(at(50), 1000);
    expect(local.view(recorded(second))?.rollback).toEqual(second);
    expect(local.view(at(50, true))?.rollback.engaged).toBe(true);
  });

  it('forgets the resume when its write fails', () => {
    const local = new LocalChanges(emptyState(names), 2500);
    local.engage(first);
    const saved = local.saveHold();
    local.resume(first);
    expect(local.view(recorded(first))?.rollback.engaged).toBe(false);
    local.restoreHold(saved);
    expect(local.view(recorded(first))?.rollback).toEqual(first);
    local.release();
    expect(local.view(recorded(first))?.rollback).toEqual(first);
  });
});
