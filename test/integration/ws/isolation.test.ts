import { once } from 'node:events';
import { token, until, type TestClient } from '../engines/helpers.js';
import { sleep, startRig, type Rig } from './rig.js';
import { startScriptedEngine, type ScriptedEngine } from './scripted-engine.js';

let rig: Rig;
let engine: ScriptedEngine | undefined;

afterEach(async () => {
  await rig.stop();
  await engine?.close();
  engine = undefined;
});

/** Users connect one at a time, so that engine.sockets[i] serves clients[i]. */
async function connectAll(users: string[], isolation: 'block' | 'report' = 'block') {
  engine = await startScriptedEngine();
  rig = await startRig({ legacyUrl: engine.url, config: { websocket: { isolation } } });
  const clients: TestClient[] = [];
  for (const u of users) {
    const c = rig.open('/ws', [], { authorization: `Bearer ${await token(u)}` });
    await once(c.ws, 'open');
    await until(() => engine!.sockets.length === clients.length + 1);
    clients.push(c);
  }
  return { clients, sockets: engine.sockets };
}

const emitter = (type: string, data: Record<string, unknown>) => JSON.stringify({ type, data });
const violations = (action: string) =>
  rig.metric('switchyard_isolation_violations_total', { engine: 'legacy', action });

/** The client frames the engine has received so far, as a barrier: what was sent before is registered. */
async function delivered(n: number) {
  await until(() => engine!.received.length === n);
}

describe('isolation guard', () => {
  it('takes user_id equal to a thread id of this user run as legitimate, and another user thread id as a leak', async () => {
    const { clients, sockets } = await connectAll(['amy', 'bob']);
    const [amy, bob] = clients as [TestClient, TestClient];
    amy.send({ type: 'user_message', payload: { text: 'hi', thread_id: 'thread-amy' } });
    bob.send({ type: 'user_message', payload: { text: 'hi', thread_id: 'thread-bob' } });
    await delivered(2);
    // The run's first event binds run-amy to amy's start and confirms her thread.
    const first = { user_id: 'thread-amy', thread_id: 'thread-amy', run_id: 'run-amy', n: 1 };
    sockets[0]!.send(emitter('agent_thinking', first));
    sockets[0]!.send(emitter('agent_thinking', { user_id: 'thread-bob', n: 2 }));
    sockets[0]!.send(emitter('agent_thinking', { user_id: 'nobody-knows', n: 3 }));
    sockets[0]!.send(emitter('agent_completed', { user_id: 'amy', n: 4 }));
    await amy.waitFor((f) => f.data?.n === 4);
    expect(amy.frames.map((f) => f.data.n)).toEqual([1, 4]);
    expect(await violations('block')).toBe(2);
  });

  it('registers ids from the owner session only: a leaked copy racing ahead is blocked and claims nothing', async () => {
    const { clients, sockets } = await connectAll(['cat', 'dov']);
    const [cat, dov] = clients as [TestClient, TestClient];
    // The engine started cat's run (no thread id from the client) and leaks its events to dov first.
    const started = emitter('agent_started', { user_id: 'cat', run_id: 'run-1', thread_id: 'thread-new' });
    sockets[1]!.send(started);
    await sleep(20);
    sockets[0]!.send(started);
    await cat.waitFor((f) => f.type === 'agent_started');
    // Bridge frames carry no user id: ownership alone decides, and it is cat's.
    const bridge = JSON.stringify({ type: 'agent_thinking', run_id: 'run-1', thread_id: 'thread-new' });
    sockets[1]!.send(bridge);
    sockets[0]!.send(bridge);
    await cat.waitFor((f) => f.type === 'agent_thinking');
    dov.send({ type: 'barrier' });
    await delivered(1);
    await sleep(20);
    expect(dov.frames).toHaveLength(0);
    expect(rig.proxy.app.gateway.ownership.ownerOf('run-1')).toBe('cat');
    expect(rig.proxy.app.gateway.ownership.ownerOf('thread-new')).toBe('cat');
    expect(await violations('block')).toBe(2);
  });

  it('refuses a client frame naming an id the engine confirmed for another user, and accepts its own thread id as user_id', async () => {
    const { clients, sockets } = await connectAll(['eli', 'fox']);
    const [eli, fox] = clients as [TestClient, TestClient];
    eli.send({ type: 'user_message', payload: { text: 'x', thread_id: 'thread-eli' } });
    await delivered(1);
    sockets[0]!.send(
      emitter('agent_started', { user_id: 'eli', run_id: 'run-eli', thread_id: 'thread-eli' }),
    );
    await eli.waitFor((f) => f.type === 'agent_started');
    fox.send({ type: 'user_message', payload: { text: 'x', thread_id: 'thread-eli' } });
    expect((await fox.waitFor((f) => f.type === 'error_message')).error_code).toBe('ISOLATION_VIOLATION');
    eli.send({ type: 'session_restore', payload: { user_id: 'thread-eli', threadId: 'thread-eli' } });
    await delivered(2);
    expect(await violations('refuse')).toBe(1);
  });

  it('in report mode delivers a leaked frame and counts it, and registers nothing from it', async () => {
    const { clients, sockets } = await connectAll(['gil', 'hop'], 'report');
    const [gil, hop] = clients as [TestClient, TestClient];
    gil.send({ type: 'user_message', payload: { text: 'x', thread_id: 'thread-gil' } });
    await delivered(1);
    sockets[1]!.send(
      emitter('agent_started', { user_id: 'gil', run_id: 'run-gil', thread_id: 'thread-gil' }),
    );
    sockets[1]!.send(JSON.stringify({ type: 'agent_thinking', run_id: 'run-x', thread_id: 'thread-gil' }));
    await until(() => hop.frames.length === 2);
    expect(await violations('report')).toBe(2);
    expect(await violations('block')).toBe(0);
    expect(rig.proxy.app.gateway.ownership.ownerOf('run-gil')).toBeUndefined();
    expect(rig.proxy.app.gateway.ownership.ownerOf('run-x')).toBeUndefined();
  });

  it('frees the ownership index once the sessions have ended and their linger is over', async () => {
    rig = await startRig({ config: { websocket: { claimLingerMs: 500 } } });
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 }); // the user engine: no crossed runs
    const users = Array.from({ length: 8 }, (_, i) => `own-${i}`);
    const clients = await Promise.all(users.map((u) => rig.connectAs(u)));
    await Promise.all(clients.map((c, i) => c.run({ text: 'go', thread_id: `thread-${users[i]}` })));
    const ownership = rig.proxy.app.gateway.ownership;
    expect(ownership.size()).toBeGreaterThanOrEqual(users.length);
    for (const c of clients) c.ws.close();
    await until(() => rig.proxy.app.gateway.registry.size() === 0);
    // Still theirs for a reconnect, then freed.
    expect(ownership.ownerOf(`thread-${users[0]}`)).toBe(users[0]);
    await until(() => ownership.size() === 0);
  });
});
