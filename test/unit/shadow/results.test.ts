import { pino } from 'pino';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import {
  diffRuns,
  DivergenceBuilder,
  type Divergence,
  type ComparisonResult,
  type Judgement,
} from '../../../src/compare/index.js';
import { createMetrics } from '../../../src/metrics/catalog.js';
import { ShadowResults } from '../../../src/shadow/results.js';
import { bridge, emitter, events, HAPPY, IDS_A, IDS_B, replace, run } from '../compare/frames.js';

function judgement(mismatch: boolean): Judgement {
  const candidate = mismatch ? replace(HAPPY, 2, { type: 'tool_executing', tool: 'cost_forecast' }) : HAPPY;
  return diffRuns(
    { engine: 'legacy', run: run(events(HAPPY, bridge, IDS_A)) },
    { engine: 'user', run: run(events(candidate, emitter, IDS_B)) },
  );
}

async function value(registry: Registry, name: string, labels: Record<string, string>) {
  const { values } = await registry.getSingleMetric(name)!.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((s, v) => s + v.value, 0);
}

function setUp(random: () => number, logSampleRate = 0.5) {
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const lines: string[] = [];
  const log = pino(
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  const stored: Divergence[] = [];
  const seen: Array<[ComparisonResult, string]> = [];
  const results = new ShadowResults({
    metrics,
    divergences: new DivergenceBuilder({ hash: (id) => `#${id.length}` }),
    onStored: (divergence) => stored.push(divergence),
    log,
    logSampleRate,
    random,
    now: () => 0,
    onComparison: (result, userId) => seen.push([result, userId]),
  });
  return { registry, lines, stored, seen, results };
}

describe('ShadowResults', () => {
  it('counts a divergence by one meaning: a mismatch by its kinds, an incomplete or leaked run by its result', async () => {
    const { registry, stored, results } = setUp(() => 1);
    const leaked = { ...judgement(false), result: 'isolation' as const, kinds: [] };
    const incomplete = { ...judgement(false), result: 'incomplete' as const, kinds: [] };
    results.run(judgement(false), { userId: 'alice', session: 's.0', runIndex: 0 });
    results.run(judgement(true), { userId: 'alice', session: 's.0', runIndex: 1 });
    results.run(leaked, { userId: 'alice', session: 's.0', runIndex: 2 });
    results.run(incomplete, { userId: 'alice', session: 's.0', runIndex: 3 });
    expect(await value(registry, 'switchyard_divergences_total', { kind: 'tool' })).toBe(1);
    expect(await value(registry, 'switchyard_divergences_total', { kind: 'isolation' })).toBe(1);
    expect(await value(registry, 'switchyard_divergences_total', { kind: 'incomplete' })).toBe(1);
    // The durable store gets the same three, and nothing for the match.
    expect(stored.map((d) => d.result).sort()).toEqual(['incomplete', 'isolation', 'mismatch']);
  });

  it('counts each run by result and kind, observes both engines timings, and tells the guard', async () => {
    const { registry, stored, seen, results } = setUp(() => 0);
    results.run(judgement(false), { userId: 'alice', session: 's.0', runIndex: 0 });
    results.run(judgement(true), { userId: 'alice', session: 's.0', runIndex: 1 });
    expect(await value(registry, 'switchyard_shadow_comparisons_total', { result: 'match' })).toBe(1);
    expect(await value(registry, 'switchyard_shadow_comparisons_total', { result: 'mismatch' })).toBe(1);
    expect(await value(registry, 'switchyard_divergences_total', { kind: 'tool' })).toBe(1);
    const durations = (await registry.getSingleMetric('switchyard_run_duration_seconds')!.get()).values;
    const count = (engine: string) =>
      durations.find(
        (v) =>
          (v as { metricName?: string }).metricName === 'switchyard_run_duration_seconds_count' &&
          v.labels.engine === engine,
      )?.value;
    expect(count('legacy')).toBe(2);
    expect(count('user')).toBe(2);
    expect(seen).toEqual([
      ['match', 'alice'],
      ['mismatch', 'alice'],
    ]);
    expect(stored.map((d) => d.runIndex)).toEqual([1]);
  });

  it('logs a mismatch when the sample says so, without ids or content', () => {
    const draws = [0.9, 0.1];
    const { lines, results } = setUp(() => draws.shift() ?? 1);
    results.run(judgement(true), { userId: 'alice', session: 'abc.0', runIndex: 0 });
    expect(lines).toHaveLength(0);
    results.run(judgement(true), { userId: 'alice', session: 'abc.0', runIndex: 1 });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ msg: 'shadow mismatch', session: 'abc.0', runIndex: 1, kinds: ['tool'] });
    expect(lines[0]).not.toContain('alice');
    expect(lines[0]).not.toContain('cost_forecast');
  });

  it('counts HTTP comparisons and stores only the mismatches', async () => {
    const { registry, stored, results } = setUp(() => 1);
    const where = {
      userId: 'bob',
      route: 'threads_read',
      control: { engine: 'legacy' as const, status: 200 },
      candidate: { engine: 'user' as const, status: 404 },
    };
    results.http({ result: 'match', kinds: [], fields: [] }, where);
    results.http({ result: 'mismatch', kinds: ['status'], fields: [] }, where);
    expect(await value(registry, 'switchyard_divergences_total', { kind: 'status' })).toBe(1);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      route: 'threads_read',
      control: { status: 200 },
      candidate: { status: 404 },
    });
  });

  it('counts dropped work by reason', async () => {
    const { registry, results } = setUp(() => 1);
    results.dropped('flood');
    results.dropped('flood');
    expect(await value(registry, 'switchyard_shadow_dropped_total', { reason: 'flood' })).toBe(2);
  });
});
