import { toNotifyEvent } from '../../../src/plan/notify-events.js';
import type { PlanEvent } from '../../../src/plan/types.js';

const event = (over: Partial<PlanEvent>): PlanEvent => ({
  type: 'step-advanced',
  at: '2026-12-07T17:00:00.000Z',
  percent: 25,
  step: 2,
  steps: [1, 5, 25, 50, 100],
  reason: null,
  ...over,
});

describe('plan events as webhooks', () => {
  it('a step advance names the percentage it left and the one it entered', () => {
    expect(toNotifyEvent(event({}))).toEqual({
      type: 'step-advanced',
      step: 2,
      fromPercent: 5,
      toPercent: 25,
    });
    expect(toNotifyEvent(event({ step: 0, percent: 1 }))).toEqual({
      type: 'step-advanced',
      step: 0,
      fromPercent: 0,
      toPercent: 1,
    });
  });

  it('approval, completion and rollback keep their step, percentage and reason', () => {
    expect(toNotifyEvent(event({ type: 'approval-needed', step: 3, percent: 50 }))).toEqual({
      type: 'approval-needed',
      step: 3,
      percent: 50,
    });
    expect(toNotifyEvent(event({ type: 'plan-complete', step: 4, percent: 100 }))).toEqual({
      type: 'plan-complete',
      percent: 100,
    });
    expect(toNotifyEvent(event({ type: 'rolled-back', reason: 'mismatch_rate: 0.21 > 0.05' }))).toEqual({
      type: 'plan-rolled-back',
      step: 2,
      percent: 25,
      reason: 'mismatch_rate: 0.21 > 0.05',
    });
  });
});
