import { startHostileEngine, type HostileEngine } from './hostile-engine.js';
import { startRig, type Rig } from './rig.js';

let rig: Rig;
let engine: HostileEngine;

afterEach(async () => {
  await rig.stop();
  await engine.close();
});

/** The hostile engine as the user engine, everyone routed to it, the guard enforcing. */
async function hostileUserEngine() {
  engine = await startHostileEngine();
  rig = await startRig({
    userUrl: engine.url,
    config: { guard: { mode: 'enforce', windowSeconds: 30, minUsers: 3 } },
  });
  await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
}

/** Polls an asynchronous condition (server state read over HTTP) until it holds. */
async function eventually(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const state = async () => (await rig.proxy.admin('GET', '/admin/state')).body;
describe('the rollback guard on isolation', () => {
  it("rolls back when the user engine sends a frame carrying another signed-in user's id", async () => {
    await hostileUserEngine();
    await rig.connectAs('rb-ann');
    await rig.connectAs('rb-ben');
    engine.byUser
      .get('rb-ben')!
      .send(JSON.stringify({ type: 'agent_thinking', data: { meta: { userId: 'rb-ann' } } }));
    await eventually(async () => (await state()).rollback.engaged === true);
    expect((await state()).rollback).toMatchObject({ engaged: true, trigger: 'guard' });
  });

  it('is not tripped by one session: 1,000 ownership-only leaks on it (unknown user ids, unexplained runs)', async () => {
    await hostileUserEngine();
    await rig.connectAs('rb-cat');
    const socket = engine.byUser.get('rb-cat')!;
    for (let k = 0; k < 500; k++) {
      socket.send(JSON.stringify({ type: 'agent_thinking', data: { user_id: `stranger-${k}` } }));
      socket.send(JSON.stringify({ type: 'agent_started', run_id: `run-nobody-${k}` }));
    }
    const blocked = () =>
      rig.metric('switchyard_isolation_violations_total', { engine: 'user', action: 'block' });
    await eventually(async () => (await blocked()) === 1_000);
    // The guard evaluates on its timer (and only then sets this gauge): once it has seen them all,
    // it must not have acted.
    const gate = () => rig.metric('switchyard_guard_gate_value', { gate: 'isolation' });
    await eventually(async () => (await gate()) >= 1_000);
    expect((await state()).rollback.engaged).toBe(false);
  });
});
