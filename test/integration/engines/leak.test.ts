import type { RunningEngine } from '../../../engines/index.js';
import { Harness, isTerminal, type TestClient } from './helpers.js';

const STEP_MS = 60;

/** Alice starts a run; once it has begun, Bob starts one of the same agent, while hers still runs. */
async function overlappingRuns(harness: Harness, engine: RunningEngine): Promise<[TestClient, TestClient]> {
  const alice = await harness.connectAs(engine, 'alice');
  const bob = await harness.connectAs(engine, 'bob');
  alice.send({ type: 'user_message', payload: { text: 'alice asks', thread_id: 'thread_alice' } });
  await alice.waitFor((f) => f.type === 'agent_started');
  bob.send({ type: 'user_message', payload: { text: 'bob asks', thread_id: 'thread_bob' } });
  return [alice, bob];
}

const threadOf = (f: { thread_id?: string; data?: { thread_id?: string } }) =>
  f.thread_id ?? f.data?.thread_id;

describe('the legacy engine leak', () => {
  const harness = new Harness();
  afterEach(() => harness.close());

  it("delivers Alice's run events, with her user id, to Bob's socket in the emitter envelope", async () => {
    const engine = await harness.engine('legacy', { leak: true, envelope: 'emitter', stepDelayMs: STEP_MS });
    const [alice, bob] = await overlappingRuns(harness, engine);
    const leaked = await bob.waitFor((f) => isTerminal(f) && f.data.user_id === 'alice');
    expect(leaked.data.thread_id).toBe('thread_alice');
    await bob.waitFor((f) => isTerminal(f) && f.data.user_id === 'bob');
    expect(bob.frames.filter((f) => f.data?.user_id === 'alice').length).toBeGreaterThanOrEqual(3);
    expect(alice.frames.some(isTerminal)).toBe(false);
  });

  it("delivers Alice's run events to Bob's socket in the bridge envelope, named only by run and thread", async () => {
    const engine = await harness.engine('legacy', { leak: true, stepDelayMs: STEP_MS });
    const [alice, bob] = await overlappingRuns(harness, engine);
    const aliceRun = alice.frames.find((f) => f.type === 'agent_started').run_id;
    const leaked = await bob.waitFor((f) => isTerminal(f) && f.run_id === aliceRun);
    expect(leaked.thread_id).toBe('thread_alice');
    expect([leaked.user_id, leaked.data, leaked.payload.user_id]).toEqual([undefined, undefined, undefined]);
    await bob.waitFor((f) => isTerminal(f) && f.thread_id === 'thread_bob');
  });

  it('starts leaking when the fault is switched on at runtime', async () => {
    const engine = await harness.engine('legacy', { stepDelayMs: STEP_MS, envelope: 'emitter' });
    engine.faults.leak = true;
    const [, bob] = await overlappingRuns(harness, engine);
    await bob.waitFor((f) => f.data?.user_id === 'alice');
  });
});

describe('the user engine under the same load', () => {
  const harness = new Harness();
  afterEach(() => harness.close());

  it("never delivers one user's events to another, even with the leak fault set", async () => {
    const engine = await harness.engine('user', { leak: true, stepDelayMs: STEP_MS });
    const [alice, bob] = await overlappingRuns(harness, engine);
    alice.send({ type: 'user_message', payload: { text: 'alice again', thread_id: 'thread_alice' } });
    bob.send({ type: 'user_message', payload: { text: 'bob again', thread_id: 'thread_bob' } });
    for (const client of [alice, bob])
      await client.waitFor(() => client.frames.filter(isTerminal).length === 2);
    for (const [client, user] of [
      [alice, 'alice'],
      [bob, 'bob'],
    ] as const) {
      const events = client.frames.filter((f) => f.data?.run_id !== undefined);
      expect(events.length).toBeGreaterThanOrEqual(10);
      expect(events.every((f) => f.data.user_id === user && threadOf(f) === `thread_${user}`)).toBe(true);
    }
  });

  it('keeps runs apart in the bridge envelope too', async () => {
    const engine = await harness.engine('user', { envelope: 'bridge', stepDelayMs: STEP_MS });
    const [alice, bob] = await overlappingRuns(harness, engine);
    for (const client of [alice, bob]) await client.waitFor(isTerminal);
    expect(alice.frames.filter((f) => f.run_id).every((f) => f.thread_id === 'thread_alice')).toBe(true);
    expect(bob.frames.filter((f) => f.run_id).every((f) => f.thread_id === 'thread_bob')).toBe(true);
  });
});
