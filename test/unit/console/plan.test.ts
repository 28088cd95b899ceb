import { parseHistory, parsePlan } from '../../../console/src/plan.js';
import { evidenceText, timeline } from '../../../console/src/plan-timeline.js';

const plan = {
  steps: [1, 5, 25, 50, 100],
  minStepSeconds: 600,
  minComparisons: 200,
  minUsers: 20,
  approvals: [50],
  baselineFirst: true,
};

describe("the console's reading of GET /admin/plan", () => {
  it('reads the documented shape', () => {
    const m = parsePlan({
      state: 'waiting-evidence',
      step: 1,
      percent: 5,
      since: '2026-12-07T10:00:00.000Z',
      waiting: 'comparisons 37/200',
      plan,
      history: [
        {
          percent: 1,
          enteredAt: '2026-12-07T09:50:00.000Z',
          leftAt: '2026-12-07T10:00:00.000Z',
          evidence: { comparisons: 212 },
        },
        { percent: 5, enteredAt: '2026-12-07T10:00:00.000Z', leftAt: null, evidence: null },
      ],
      series: [
        {
          at: '2026-12-07T10:00:02.000Z',
          gates: [{ name: 'error_rate', value: 0.01, limit: 0.05, verdict: 'ok' }],
        },
      ],
    });
    expect(m).toMatchObject({
      state: 'waiting-evidence',
      step: 1,
      percent: 5,
      waiting: 'comparisons 37/200',
    });
    expect(m.plan).toEqual(plan);
    expect(m.history).toHaveLength(2);
    expect(m.series).toEqual([
      {
        at: Date.parse('2026-12-07T10:00:02.000Z'),
        gates: [{ name: 'error_rate', value: 0.01, limit: 0.05, verdict: 'ok' }],
      },
    ]);
  });

  it('tolerates what is missing or malformed instead of failing', () => {
    expect(parsePlan(null)).toMatchObject({ state: 'idle', plan: null, history: [], series: null });
    const m = parsePlan({
      state: 7,
      since: 'not a time',
      plan: { steps: [1, 'x', 10], approvals: 'all' },
      history: [{ percent: 'five' }, 3, { percent: 10, enteredAt: 1_700_000_000_000 }],
      series: [
        { at: 'never', gates: [] },
        { at: 5, gates: [{ value: 1 }, { name: 'p95_latency', value: 'slow' }] },
      ],
    });
    expect(m).toMatchObject({ state: 'idle', since: null });
    expect(m.plan).toMatchObject({
      steps: [1, 10],
      approvals: [],
      minStepSeconds: null,
      baselineFirst: null,
    });
    expect(m.history).toEqual([
      {
        percent: 10,
        enteredAt: new Date(1_700_000_000_000).toISOString(),
        leftAt: null,
        evidence: undefined,
      },
    ]);
    expect(m.series).toEqual([
      { at: 5, gates: [{ name: 'p95_latency', value: null, limit: null, verdict: 'unknown' }] },
    ]);
  });
});

describe("the console's reading of GET /admin/plan/history", () => {
  it("turns each gate's points into samples, and anything else into none", () => {
    const samples = parseHistory({
      step: 1,
      percent: 5,
      everyMs: 5000,
      gates: [
        { name: 'error_rate', points: [{ at: 10, value: 0.01, limit: 0.05, verdict: 'ok' }, { at: 'x' }] },
        { name: 'mismatch_rate', points: [{ at: 10, value: null, limit: 0.02, verdict: 'insufficient' }] },
        { points: [] },
      ],
    });
    expect(samples).toEqual([
      { at: 10, gates: [{ name: 'error_rate', value: 0.01, limit: 0.05, verdict: 'ok' }] },
      { at: 10, gates: [{ name: 'mismatch_rate', value: null, limit: 0.02, verdict: 'insufficient' }] },
    ]);
    expect(parseHistory({ gates: [] })).toEqual([]);
    expect(parseHistory(null)).toBeNull();
    expect(parseHistory({ error: { code: 'not_found' } })).toBeNull();
  });
});

describe("the console's plan timeline", () => {
  const history = [
    { percent: 1, enteredAt: 'a', leftAt: 'b', evidence: { comparisons: 240, users: 31 } },
    { percent: 5, enteredAt: 'b', leftAt: 'c', evidence: null },
    { percent: 25, enteredAt: 'c', leftAt: 'd', evidence: null },
    { percent: 50, enteredAt: 'd', leftAt: null, evidence: null },
  ];

  it('marks done, current and pending steps, and the approval gate the plan waits at', () => {
    const steps = timeline({ ...parsePlan({ plan }), state: 'waiting-approval', percent: 50, history });
    expect(steps.map((s) => `${s.percent}:${s.status}:${s.approval}`)).toEqual([
      '1:done:none',
      '5:done:none',
      '25:done:none',
      '50:current:waiting',
      '100:pending:none',
    ]);
    expect(steps[0]!.evidence).toBe('comparisons 240, users 31');
  });

  it('shows a passed approval gate as approved and an ended plan as done', () => {
    const passed = [
      ...history.slice(0, 3),
      { ...history[3]!, leftAt: 'e' },
      { percent: 100, enteredAt: 'e', leftAt: null, evidence: null },
    ];
    const steps = timeline({ ...parsePlan({ plan }), state: 'complete', percent: 100, history: passed });
    expect(steps.map((s) => `${s.status}:${s.approval}`)).toEqual([
      'done:none',
      'done:none',
      'done:none',
      'done:approved',
      'done:none',
    ]);
    const idle = timeline({ ...parsePlan({ plan }), state: 'idle' });
    expect(idle.every((s) => s.status === 'pending')).toBe(true);
    expect(idle[3]!.approval).toBe('required');
  });

  it('takes the steps from the history when the plan settings are absent', () => {
    expect(timeline({ ...parsePlan({}), state: 'rolled-back', history }).map((s) => s.percent)).toEqual([
      1, 5, 25, 50,
    ]);
  });

  it('puts any evidence in one line', () => {
    expect(evidenceText(undefined)).toBe('');
    expect(evidenceText('comparisons 37/200')).toBe('comparisons 37/200');
    expect(
      evidenceText({
        at: '2026-12-07T10:00:00.000Z',
        seconds: 610,
        ok: true,
        gates: [{ name: 'error_rate', verdict: 'ok', value: 0.01 }],
        nested: { a: 1 },
      }),
    ).toBe('seconds 610, ok true, gates: error_rate ok 0.01');
    expect(evidenceText({ long: 'x'.repeat(500) })).toHaveLength(240);
  });
});
