import { emptyState } from '../../../src/flags/document.js';
import { LocalChanges } from '../../../src/flags/unleash/local-changes.js';
import type { FlagState } from '../../../src/routing/types.js';

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
