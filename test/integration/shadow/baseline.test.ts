import { RUN_EVENTS, token, until } from '../engines/helpers.js';
import { comparisons, metric, ShadowRig, untilMetric } from './rig.js';

const SESSIONS = 100;
let rig: ShadowRig;

afterEach(async () => {
  await rig.close();
});

/** Every baseline comparison counted so far for `engine`, by result. */
async function baselineBook(engine: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const result of ['match', 'mismatch', 'incomplete', 'isolation']) {
    out[result] = await metric(rig.proxy, 'switchyard_baseline_comparisons_total', { engine, result });
  }
  return out;
}

/** `n` users connected at once, one run each (a distinct agent per user), all awaited together. */
async function concurrentRuns(n: number, prefix: string) {
  const clients = await Promise.all(Array.from({ length: n }, (_, i) => rig.connect(`${prefix}-${i}`)));
  const runs = await Promise.all(
    clients.map((c, i) =>
      c.run({ text: 'baseline', thread_id: `thread-${prefix}-${i}`, agent_name: `Agent${i}` }),
    ),
  );
  return { clients, runs };
}

describe('noise baseline (an engine against a second session of itself)', () => {
  it('deterministic engines give a floor of exactly 0 at 100 concurrent sessions; frames never reach a client; books separate', async () => {
    rig = await new ShadowRig().start({
      rollout: 100,
      shadowPercent: 0,
      userFaults: { stepDelayMs: 2 },
      config: { log: { level: 'warn', requests: false } },
    });
    await rig.proxy.admin('PUT', '/admin/baseline', { percent: 100 });
    const { clients, runs } = await concurrentRuns(SESSIONS, 'det');
    await untilMetric(
      rig.proxy,
      'switchyard_baseline_comparisons_total',
      { engine: 'user' },
      SESSIONS,
      20_000,
    );
    expect(await baselineBook('user')).toEqual({ match: SESSIONS, mismatch: 0, incomplete: 0, isolation: 0 });
    expect(await baselineBook('legacy')).toEqual({ match: 0, mismatch: 0, incomplete: 0, isolation: 0 });
    // The cross-engine book saw nothing; legacy was never asked.
    expect(await comparisons(rig.proxy)).toEqual({ match: 0, mismatch: 0, incomplete: 0, isolation: 0 });
    expect(rig.legacy.handshakes).toHaveLength(0);
    // Every user had a live session and a marked baseline session on the user engine.
    const marked = rig.user.handshakes.filter((h) => h.headers['x-switchyard-shadow'] === '1');
    expect(marked).toHaveLength(SESSIONS);
    expect(rig.user.handshakes).toHaveLength(2 * SESSIONS);
    // Each client got its own run exactly once: one terminal event, no doubled events.
    for (const [i, events] of runs.entries()) {
      expect(events.filter((f) => f.type === 'agent_completed')).toHaveLength(1);
      const runIds = new Set(events.map((f) => f.data?.run_id ?? f.run_id).filter(Boolean));
      expect(runIds.size).toBeLessThanOrEqual(1);
      expect(clients[i]!.frames.filter((f) => RUN_EVENTS.has(f.type))).toHaveLength(events.length);
    }
    const { body } = await rig.proxy.admin('GET', '/admin/divergences?source=baseline');
    expect(body.items).toEqual([]);
    const summary = (await rig.proxy.admin('GET', '/admin/summary')).body;
    const tool = summary.kinds.find((k: { kind: string }) => k.kind === 'tool');
    expect(tool.user).toMatchObject({ count: 0, judged: SESSIONS, rate: 0 });
    expect(tool.user.ci[0]).toBe(0);
    expect(tool.user.ci[1]).toBeGreaterThan(0);
  }, 60_000);

  it('a legacy baseline copies late enough that legacy never crosses it with the live run (100 sessions, floor 0)', async () => {
    rig = await new ShadowRig().start({
      shadowPercent: 0,
      legacyFaults: { stepDelayMs: 2 },
      config: { log: { level: 'warn', requests: false } },
    });
    await rig.proxy.admin('PUT', '/admin/baseline', { percent: 100 });
    const { runs } = await concurrentRuns(SESSIONS, 'leg');
    for (const events of runs) expect(events.at(-1).type).toBe('agent_completed');
    await untilMetric(
      rig.proxy,
      'switchyard_baseline_comparisons_total',
      { engine: 'legacy' },
      SESSIONS,
      20_000,
    );
    expect(await baselineBook('legacy')).toEqual({
      match: SESSIONS,
      mismatch: 0,
      incomplete: 0,
      isolation: 0,
    });
    // Without the stagger, legacy keys both copies of a run by the same millisecond and crosses them.
    expect(await metric(rig.proxy, 'switchyard_isolation_violations_total')).toBe(0);
    expect(rig.user.handshakes).toHaveLength(0);
  }, 60_000);

  it('still finds a real difference between two sessions of one engine, in the baseline book only', async () => {
    rig = await new ShadowRig().start({
      rollout: 100,
      shadowPercent: 100,
      userFaults: { stepDelayMs: 2, divergence: { kind: 'tool', fraction: 0.5 } },
      config: { log: { level: 'warn', requests: false } },
    });
    await rig.proxy.admin('PUT', '/admin/baseline', { percent: 100 });
    await concurrentRuns(40, 'noisy');
    await untilMetric(rig.proxy, 'switchyard_baseline_comparisons_total', { engine: 'user' }, 40, 20_000);
    const book = await baselineBook('user');
    // Two independent 50% draws differ about half the time: far from 0, far from all.
    expect(book.mismatch).toBeGreaterThan(5);
    expect(book.match).toBeGreaterThan(5);
    expect(
      await metric(rig.proxy, 'switchyard_baseline_divergences_total', { engine: 'user', kind: 'tool' }),
    ).toBe(book.mismatch);
    // Baseline first: with both flags at 100% nobody was shadowed across engines.
    expect(await comparisons(rig.proxy)).toEqual({ match: 0, mismatch: 0, incomplete: 0, isolation: 0 });
    expect(await metric(rig.proxy, 'switchyard_divergences_total')).toBe(0);
    await rig.proxy.app.fleetStore.settle(); // the durable store writes in batches
    const baseline = (await rig.proxy.admin('GET', '/admin/divergences?source=baseline&kind=tool')).body
      .items;
    expect(baseline.length).toBe(Math.min(book.mismatch!, 50));
    expect(baseline.every((d: { source: string }) => d.source === 'baseline')).toBe(true);
    expect(baseline[0].control.engine).toBe('user');
    expect(baseline[0].candidate.engine).toBe('user');
    expect((await rig.proxy.admin('GET', '/admin/divergences?source=cross')).body.items).toEqual([]);
    expect((await rig.proxy.admin('GET', '/admin/divergences?source=other')).status).toBe(400);
  }, 60_000);

  it('copies shadow-safe HTTP requests to the serving engine, marked, into the baseline book', async () => {
    rig = await new ShadowRig().start({ shadowPercent: 0 });
    await rig.proxy.admin('PUT', '/admin/baseline', { percent: 100 });
    const jwt = await token('http-base');
    const res = await fetch(`${rig.proxy.url}/health`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await untilMetric(rig.proxy, 'switchyard_baseline_comparisons_total', {
      engine: 'legacy',
      result: 'match',
    });
    await until(() => rig.legacy.requests.some((r) => r.headers['x-switchyard-shadow'] === '1'));
    expect(rig.user.requests).toHaveLength(0);
    expect(await comparisons(rig.proxy)).toEqual({ match: 0, mismatch: 0, incomplete: 0, isolation: 0 });
    const state = (await rig.proxy.admin('GET', '/admin/state')).body;
    expect(state.baseline).toEqual({ percent: 100, flag: 'switchyard-baseline' });
  });
});
