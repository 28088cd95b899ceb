import { chartModel, gateSeries, niceCeiling, type Box, type GatePoint } from '../../../console/src/chart.js';

const BOX: Box = { width: 120, height: 70, left: 10, right: 10, top: 10, bottom: 10 };
const p = (at: number, value: number | null, limit: number | null, verdict = 'ok'): GatePoint => ({
  at,
  value,
  limit,
  verdict,
});

describe("the console's gate chart scaling", () => {
  it('rounds the y axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0.012, 0.05, 0.06, 0.2, 3, 7, 10, 101].map(niceCeiling)).toEqual([
      0.02, 0.05, 0.1, 0.2, 5, 10, 10, 200,
    ]);
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });

  it('maps time left to right and 0..yMax bottom to top, keeping the limit in view', () => {
    // values 0..0.02 under a limit of 0.05: the axis reaches past the limit, not just the values
    const m = chartModel([p(1000, 0, 0.05), p(2000, 0.02, 0.05), p(3000, 0.01, 0.05)], BOX);
    expect(m.yMax).toBe(0.1);
    expect(m.value).toBe('M10 60 L60 50 L110 55');
    expect(m.limit).toBe('M10 35 L60 35 L110 35');
    expect([m.from, m.to]).toEqual([1000, 3000]);
  });

  it('puts a value over the limit above the limit line and marks its breach', () => {
    const m = chartModel([p(0, 0.01, 0.05), p(10, 0.09, 0.05, 'breach')], BOX);
    expect(m.yMax).toBe(0.1);
    expect(m.breaches).toEqual([{ x: 110, y: 15 }]);
    const limitY = 35;
    expect(m.breaches[0]!.y).toBeLessThan(limitY);
  });

  it('leaves a gap where the value is unknown (insufficient), and draws a lone point', () => {
    const m = chartModel([p(0, 1, 2), p(1, null, 2), p(2, 1.5, 2), p(3, 1, 2)], BOX);
    expect(m.value.match(/M/g)).toHaveLength(2);
    // a lone point between gaps is a dot
    expect(chartModel([p(0, 1, 2), p(1, null, 2), p(2, 1, 2), p(3, null, 2), p(4, 1, 2)], BOX).value).toBe(
      'M10 50 L10 50 M60 50 L60 50 M110 50 L110 50',
    );
    // one sample only: a level across the plot; 1 of a 0..5 axis (the limit 2, plus room, rounded up)
    const single = chartModel([p(5, 1, 2, 'breach')], BOX);
    expect(single.value).toBe('M10 50 L110 50');
    expect(single.limit).toBe('M10 40 L110 40');
    expect(single.breaches).toEqual([{ x: 60, y: 50 }]);
  });

  it('draws nothing, without failing, when nothing is known', () => {
    const m = chartModel([p(0, null, null), p(1, null, null)], BOX);
    expect(m).toMatchObject({ value: '', limit: '', breaches: [], yMax: 1 });
    expect(chartModel([], BOX)).toMatchObject({ value: '', limit: '' });
  });

  it("groups the samples by gate, oldest first, from the step's start on", () => {
    const gates = (v: number) => [
      { name: 'error_rate', value: v, limit: 0.05, verdict: 'ok' },
      { name: 'p95_latency', value: v * 100, limit: 800, verdict: 'ok' },
    ];
    const series = gateSeries(
      [
        { at: 300, gates: gates(0.03) },
        { at: 100, gates: gates(0.01) },
        { at: 200, gates: gates(0.02) },
      ],
      200,
    );
    expect([...series.keys()]).toEqual(['error_rate', 'p95_latency']);
    expect(series.get('error_rate')!.map((x) => x.at)).toEqual([200, 300]);
    expect(gateSeries([{ at: 1, gates: gates(1) }], null).get('p95_latency')).toHaveLength(1);
  });
});
