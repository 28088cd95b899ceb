import { until } from '../../support/until.js';
import { metric, ShadowRig, untilMetric } from './rig.js';

/**
 * A user engine that leaks only into shadow sockets (before it serves anyone) is a leaking engine:
 * its frames are counted as its own leaks and the guard's isolation gate holds them against it.
 * The "user" engine here is a reference legacy engine with its `leak` fault, in the user slot.
 */
const SESSIONS = 100;
let rig: ShadowRig;

afterEach(async () => {
  await rig.close();
});

/** Every user starts one run at once, on `agents` agent names (shared names: legacy crosses them). */
async function shadowedBy(leak: boolean, agents: number) {
  rig = new ShadowRig();
  const candidate = await rig.h.engine('legacy', { leak, envelope: 'emitter', stepDelayMs: 5 });
  await rig.start({
    userUrl: candidate.url,
    shadowPercent: 100,
    shadow: { runTimeoutMs: 3000 },
    config: { log: { level: 'warn', requests: false } },
  });
  const clients = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => rig.connect(`sl-${i}`)));
  clients.forEach((c, i) =>
    c.send({
      type: 'user_message',
      payload: { text: 'go', thread_id: `t-${i}`, agent_name: `Agent${i % agents}` },
    }),
  );
  // Judged at both terminal events, or `incomplete` after runTimeoutMs.
  await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', {}, SESSIONS, 30_000);
  return clients;
}

const violations = (labels: Record<string, string>) =>
  metric(rig.proxy, 'switchyard_isolation_violations_total', labels);

describe('leaks of the shadowed user engine (rollout 0, guard enforce, 100 sessions)', () => {
  it('are counted as the user engine leaking and trip the isolation gate', async () => {
    const clients = await shadowedBy(true, 10);
    expect(await violations({ engine: 'user', action: 'shadow' })).toBeGreaterThan(0);
    // The user engine served nobody: none of its frames reached, or was blocked on, a client's socket.
    expect(await violations({ engine: 'user', action: 'block' })).toBe(0);
    for (const [i, c] of clients.entries())
      for (const f of c.frames) expect(f.data?.user_id ?? `sl-${i}`).toBe(`sl-${i}`);
    await until(() => rig.proxy.app.switchboard.flags()?.rollback.engaged === true, 20_000);
    const { body } = await rig.proxy.admin('GET', '/admin/guard');
    expect(body.lastTrip).toMatchObject({ gate: 'isolation', dryRun: false });
    expect(body.lastTrip.reason).toMatch(/ownership violation.* by the user engine/);
  }, 60_000);

  it('a user engine that does not leak gives no violation and no rollback', async () => {
    const clients = await shadowedBy(false, SESSIONS);
    expect(await violations({})).toBe(0);
    expect(await metric(rig.proxy, 'switchyard_shadow_comparisons_total', { result: 'match' })).toBe(
      SESSIONS,
    );
    // Judged once the proxy relayed it; each client gets its one terminal event a moment later.
    await until(() => clients.every((c) => c.frames.some((f) => f.type === 'agent_completed')));
    for (const c of clients) expect(c.frames.filter((f) => f.type === 'agent_completed')).toHaveLength(1);
    rig.proxy.app.guard.evaluate();
    expect(rig.proxy.app.switchboard.flags()?.rollback.engaged).toBe(false);
    const { body } = await rig.proxy.admin('GET', '/admin/guard');
    expect(body.gates.find((g: { name: string }) => g.name === 'isolation')).toMatchObject({
      value: 0,
      verdict: 'ok',
    });
  }, 60_000);
});
