import type { EngineFaults } from '../../../engines/index.js';
import { until } from '../../support/until.js';
import { isTerminal, type TestClient } from '../engines/helpers.js';
import { metric, ShadowRig, untilMetric } from './rig.js';

/**
 * Legacy's leak (its `leak: true` fault: concurrent runs of one agent cross) with a legacy
 * baseline, at 100 sessions. A frame of another user that lands in a baseline session never
 * reaches a client, is judged `isolation` (so it never raises the floor), and is counted as a
 * leak of the engine that sent it, as a live one is: `switchyard_isolation_violations_total`
 * with `action="shadow"`, and the guard's isolation window (docs/shadow.md, "Noise baseline").
 */
const SESSIONS = 100;
let rig: ShadowRig;

afterEach(async () => {
  await rig.close();
});

async function legacyBaseline(faults: EngineFaults, agents: number) {
  rig = await new ShadowRig().start({
    shadowPercent: 0,
    legacyFaults: { stepDelayMs: 5, envelope: 'emitter', ...faults },
    shadow: { runTimeoutMs: 3000 },
    config: { log: { level: 'warn', requests: false } },
  });
  await rig.proxy.admin('PUT', '/admin/baseline', { percent: 100 });
  const clients = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => rig.connect(`lk-${i}`)));
  clients.forEach((c, i) =>
    c.send({
      type: 'user_message',
      payload: { text: 'leak?', thread_id: `t-${i}`, agent_name: `Agent${i % agents}` },
    }),
  );
  // Every baseline run is judged: at its terminal event, or `incomplete` after runTimeoutMs.
  await untilMetric(
    rig.proxy,
    'switchyard_baseline_comparisons_total',
    { engine: 'legacy' },
    SESSIONS,
    30_000,
  );
  const book: Record<string, number> = {};
  for (const result of ['match', 'mismatch', 'incomplete', 'isolation'])
    book[result] = await metric(rig.proxy, 'switchyard_baseline_comparisons_total', {
      engine: 'legacy',
      result,
    });
  const violations = async (action: string) =>
    metric(rig.proxy, 'switchyard_isolation_violations_total', { engine: 'legacy', action });
  const guard = (await rig.proxy.admin('GET', '/admin/guard')).body;
  const isolationGate = guard.gates.find((g: { name: string }) => g.name === 'isolation');
  const summary = (await rig.proxy.admin('GET', '/admin/summary')).body;
  const floor = summary.kinds.find((k: { kind: string }) => k.kind === 'tool').legacy;
  return {
    clients,
    book,
    shadow: await violations('shadow'),
    block: await violations('block'),
    guardLegacy: isolationGate.samples.legacy as number,
    floor,
  };
}

/** Frames a client received that name another user. */
function foreign(clients: TestClient[]): number {
  return clients
    .map((c, i) => c.frames.filter((f) => (f.data?.user_id ?? f.user_id ?? `lk-${i}`) !== `lk-${i}`).length)
    .reduce((a, b) => a + b, 0);
}

describe('a legacy baseline in front of a leaking legacy engine (100 sessions)', () => {
  it('a leak into a baseline session never reaches a client, never raises the floor, and counts as a legacy leak', async () => {
    const r = await legacyBaseline({ leak: true }, 10);
    expect(foreign(r.clients)).toBe(0);
    // The leaked runs are `isolation`, the robbed ones `incomplete`: nothing judged, floor untouched.
    expect(r.book.isolation).toBeGreaterThan(0);
    expect(r.book.mismatch).toBe(0);
    expect(Object.values(r.book).reduce((a, b) => a + b, 0)).toBe(SESSIONS);
    expect(r.floor).toMatchObject({ count: 0, judged: r.book.match });
    // Counted where it landed, once per frame: on baseline sockets (shadow), on live ones (block).
    expect(r.shadow).toBeGreaterThan(0);
    expect(r.guardLegacy).toBe(r.shadow + r.block);
  }, 60_000);

  it('a legacy engine that does not leak gives no leak anywhere and a floor of exactly 0', async () => {
    const r = await legacyBaseline({ leak: false }, SESSIONS);
    expect(foreign(r.clients)).toBe(0);
    expect(r.book).toEqual({ match: SESSIONS, mismatch: 0, incomplete: 0, isolation: 0 });
    expect(r.floor).toMatchObject({ count: 0, judged: SESSIONS, rate: 0 });
    expect(r.shadow + r.block + r.guardLegacy).toBe(0);
    await until(() => r.clients.every((c) => c.frames.some(isTerminal)));
    for (const c of r.clients) expect(c.frames.filter(isTerminal)).toHaveLength(1);
  }, 60_000);
});
