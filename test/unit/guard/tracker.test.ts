import { BreachTracker } from '../../../src/guard/gates/tracker.js';
import type { GateName, GateReport, Verdict } from '../../../src/guard/gates/types.js';

const report = (name: GateName, verdict: Verdict): GateReport => ({
  name,
  limit: 1,
  value: 2,
  samples: { legacy: 100, user: 100 },
  users: 9,
  verdict,
  reason: verdict === 'breach' ? `${name}: figures` : null,
  channel: null,
});
const all = (breaching: readonly GateName[]): GateReport[] =>
  (['error_rate', 'user_error_rate', 'latency', 'mismatch_rate', 'isolation'] as const).map((n) =>
    report(n, breaching.includes(n) ? 'breach' : 'ok'),
  );

describe('BreachTracker', () => {
  it('reports one start and one end per breach episode, not one per second', () => {
    const t = new BreachTracker('dry-run');
    const steps = [[], ['latency'], ['latency'], ['latency'], []].map((b, i) =>
      t.observe(all(b as GateName[]), i),
    );
    expect(steps.map((s) => s.started.map((r) => r.name))).toEqual([[], ['latency'], [], [], []]);
    expect(steps.map((s) => s.ended)).toEqual([[], [], [], [], ['latency']]);
  });

  it('trips once in enforce mode and stays latched until reset', () => {
    const t = new BreachTracker('enforce');
    const first = t.observe(all(['error_rate']), 1000);
    expect(first.trip).toEqual({
      gate: 'error_rate',
      reason: 'error_rate: figures',
      atMs: 1000,
      dryRun: false,
    });
    t.observe(all([]), 2000);
    expect(t.observe(all(['latency']), 3000).trip).toBeNull();
    expect(t.tripped).toBe(true);
    t.reset();
    expect(t.tripped).toBe(false);
    expect(t.lastTrip?.atMs).toBe(1000);
    expect(t.observe(all(['latency']), 4000).trip).toMatchObject({ gate: 'latency', dryRun: false });
  });

  it('reports a would-be trip in dry-run once per period of breaching', () => {
    const t = new BreachTracker('dry-run');
    expect(t.observe(all(['latency']), 1).trip).toMatchObject({ gate: 'latency', dryRun: true });
    expect(t.observe(all(['latency', 'error_rate']), 2).trip).toBeNull();
    expect(t.observe(all([]), 3).trip).toBeNull();
    expect(t.observe(all(['error_rate']), 4).trip).toMatchObject({ gate: 'error_rate', dryRun: true });
    expect(t.tripped).toBe(false);
  });

  it('trips for real when switched from dry-run to enforce during a breach', () => {
    const t = new BreachTracker('dry-run');
    t.observe(all(['error_rate']), 1);
    t.mode = 'enforce';
    expect(t.observe(all(['error_rate']), 2).trip).toMatchObject({ gate: 'error_rate', dryRun: false });
  });

  it('names the gravest gate when several breach at once', () => {
    const t = new BreachTracker('enforce');
    expect(t.observe(all(['mismatch_rate', 'error_rate', 'isolation']), 1).trip?.gate).toBe('isolation');
  });

  it('trips on the user engine alone failing, graver than latency or mismatches', () => {
    const t = new BreachTracker('enforce');
    expect(t.observe(all(['latency', 'user_error_rate', 'mismatch_rate']), 1).trip).toMatchObject({
      gate: 'user_error_rate',
      reason: 'user_error_rate: figures',
    });
  });

  it('never trips nor tracks episodes when off', () => {
    const t = new BreachTracker('off');
    expect(t.observe(all(['isolation']), 1)).toEqual({ started: [], ended: [], trip: null });
    expect(t.lastTrip).toBeNull();
  });

  it('ignores insufficient verdicts', () => {
    const t = new BreachTracker('enforce');
    const reports = all([]).map((r) => ({ ...r, verdict: 'insufficient' as const }));
    expect(t.observe(reports, 1)).toEqual({ started: [], ended: [], trip: null });
  });
});
