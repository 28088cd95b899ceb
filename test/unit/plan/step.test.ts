import { begin, rolledBack, step } from '../../../src/plan/step.js';
import type { PlanState } from '../../../src/plan/types.js';
import { T0, healthy, plan } from './fixtures.js';

const S = 1000;
const p = plan();

/** The plan at step `index`, entered at T0. */
function at(index: number, over: Partial<PlanState> = {}): PlanState {
  let s = begin(p, T0).state;
  for (let i = 0; i < index; i++) s = step(p, s, healthy(), T0 + 600 * S * (i + 1)).state;
  return { ...s, since: T0, ...over };
}

describe('release plan step', () => {
  it('starts at the first step: shadow on, rollout to the first percentage, an event', () => {
    const t = begin(p, T0);
    expect(t.state).toMatchObject({ status: 'running', step: 0, since: T0 });
    expect(t.actions).toEqual([
      { type: 'shadow', percent: 100 },
      { type: 'rollout', percent: 1 },
    ]);
    expect(t.events.map((e) => e.type)).toEqual(['step-advanced']);
    expect(t.state.history).toEqual([
      { percent: 1, enteredAt: new Date(T0).toISOString(), leftAt: null, evidence: null },
    ]);
  });

  it('advances once the step time has passed and the evidence is in, recording the evidence', () => {
    const t = step(p, at(0), healthy(), T0 + 600 * S);
    expect(t.state).toMatchObject({ status: 'running', step: 1, since: T0 + 600 * S, waiting: null });
    expect(t.actions).toEqual([{ type: 'rollout', percent: 5 }]);
    expect(t.events).toEqual([expect.objectContaining({ type: 'step-advanced', percent: 5, step: 1 })]);
    const [left, entered] = t.state.history;
    expect(left).toMatchObject({ percent: 1, leftAt: new Date(T0 + 600 * S).toISOString() });
    expect(left!.evidence).toMatchObject({ comparisons: 250, users: 40 });
    expect(left!.evidence!.gates.map((g) => g.verdict)).toEqual(['ok', 'insufficient', 'ok', 'ok', 'ok']);
    expect(entered).toMatchObject({ percent: 5, leftAt: null });
  });

  it('holds until the minimum step time, saying how long it has been', () => {
    const t = step(p, at(0), healthy(), T0 + 120 * S);
    expect(t.state).toMatchObject({
      status: 'waiting-evidence',
      step: 0,
      waiting: 'min step time 120/600 s',
    });
    expect(t.actions).toEqual([]);
  });

  it('holds on too few comparisons and too few users, with the exact figures', () => {
    expect(step(p, at(0), healthy({ comparisons: 37 }), T0 + 600 * S).state.waiting).toBe(
      'comparisons 37/200',
    );
    expect(step(p, at(0), healthy({ users: 3 }), T0 + 600 * S).state.waiting).toBe('users 3/20');
    expect(step(p, at(0), healthy({ comparisons: 37, users: 3 }), T0 + 700 * S).state.waiting).toBe(
      'comparisons 37/200; users 3/20',
    );
  });

  it('holds while a gate cannot judge, naming it', () => {
    const t = step(
      p,
      at(0),
      healthy({}, { latency: 'insufficient', mismatch_rate: 'insufficient' }),
      T0 + 600 * S,
    );
    expect(t.state.waiting).toBe('gates insufficient: latency, mismatch_rate');
    expect(t.state.step).toBe(0);
  });

  it('never advances on silence: no evidence at all holds forever', () => {
    const silent = healthy(
      { comparisons: 0, users: 0 },
      { error_rate: 'insufficient', latency: 'insufficient', mismatch_rate: 'insufficient' },
    );
    let s = at(0);
    for (let hours = 1; hours <= 24 * 30; hours += 24) {
      const t = step(p, s, silent, T0 + hours * 3600 * S);
      expect(t.actions).toEqual([]);
      s = t.state;
    }
    expect(s).toMatchObject({ status: 'waiting-evidence', step: 0 });
    expect(s.waiting).toBe(
      'comparisons 0/200; users 0/20; gates insufficient: error_rate, latency, mismatch_rate',
    );
    expect(step(p, at(0), null, T0 + 3600 * S).state.waiting).toBe('no guard evidence (GUARD_MODE is off)');
  });

  it('holds on a breach (the guard rolls back, not the plan)', () => {
    const t = step(p, at(0), healthy({}, { error_rate: 'breach' }), T0 + 600 * S);
    expect(t.state.waiting).toBe('gates in breach: error_rate');
    expect(t.actions).toEqual([]);
  });

  it('at 100% takes the absolute error gate and does not ask for latency (nothing to compare with)', () => {
    const last = at(4);
    expect(last.step).toBe(4);
    const t = step(
      p,
      last,
      healthy({}, { error_rate: 'insufficient', user_error_rate: 'ok', latency: 'insufficient' }),
      T0 + 600 * S,
    );
    expect(t.state.status).toBe('complete');
    expect(t.events.map((e) => e.type)).toEqual(['plan-complete']);
    expect(t.state.history).toHaveLength(5);
    expect(t.state.history.every((h) => h.evidence !== null && h.leftAt !== null)).toBe(true);
  });

  it('below 100% a missing latency verdict holds', () => {
    const t = step(p, at(0), healthy({}, { latency: 'insufficient' }), T0 + 600 * S);
    expect(t.state.waiting).toBe('gates insufficient: latency');
  });

  it('waits for approval at an approval step once the evidence is in, then advances', () => {
    const q = plan({ approvals: [5] });
    let s = begin(q, T0).state;
    s = step(q, s, healthy(), T0 + 600 * S).state;
    expect(s.step).toBe(1);
    const early = step(q, s, healthy(), T0 + 700 * S);
    expect(early.state.status).toBe('waiting-evidence');
    const asked = step(q, s, healthy(), T0 + 1200 * S);
    expect(asked.state).toMatchObject({ status: 'waiting-approval', step: 1 });
    expect(asked.state.waiting).toBe('approval to leave 5% (POST /admin/plan/approve)');
    expect(asked.events.map((e) => e.type)).toEqual(['approval-needed']);
    const again = step(q, asked.state, healthy(), T0 + 9000 * S);
    expect(again.state.step).toBe(1);
    expect(again.events).toEqual([]);
    const approved = step(q, { ...again.state, approved: true }, healthy(), T0 + 9001 * S);
    expect(approved.state).toMatchObject({ status: 'running', step: 2, approved: false });
    expect(approved.actions).toEqual([{ type: 'rollout', percent: 25 }]);
  });

  it("with baselineFirst, turns the baseline on and ramps only once legacy's floor is measured", () => {
    const q = plan({ baselineFirst: true, baselinePercent: 10 });
    const b = begin(q, T0);
    expect(b.actions).toEqual([{ type: 'baseline', percent: 10 }]);
    expect(b.state).toMatchObject({ phase: 'baseline', step: null });
    const low = step(q, b.state, healthy({ floors: { legacy: 12, user: 0 } }), T0 + S);
    expect(low.state).toMatchObject({ status: 'waiting-evidence', waiting: 'baseline floor legacy 12/200' });
    expect(low.actions).toEqual([]);
    expect(step(q, low.state, null, T0 + S).state.waiting).toBe('no guard evidence (GUARD_MODE is off)');
    const go = step(q, low.state, healthy({ floors: { legacy: 200, user: 0 } }), T0 + 2 * S);
    expect(go.state).toMatchObject({ phase: 'ramp', step: 0, since: T0 + 2 * S });
    expect(go.actions).toEqual([
      { type: 'shadow', percent: 100 },
      { type: 'rollout', percent: 1 },
    ]);
  });

  it('a breach ends the plan rolled-back with the reason; a finished plan stays finished', () => {
    const t = rolledBack(p, at(2), 'guard: error_rate: user 9% vs legacy 0%', T0 + 30 * S);
    expect(t.state).toMatchObject({
      status: 'rolled-back',
      step: 2,
      reason: 'guard: error_rate: user 9% vs legacy 0%',
    });
    expect(t.events).toEqual([expect.objectContaining({ type: 'rolled-back', percent: 25 })]);
    expect(t.state.history.at(-1)!.leftAt).not.toBeNull();
    expect(step(p, t.state, healthy(), T0 + 9999 * S).state).toBe(t.state);
    expect(rolledBack(p, t.state, 'again', T0).events).toEqual([]);
  });
});
