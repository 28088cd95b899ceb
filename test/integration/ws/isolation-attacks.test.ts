import { once } from 'node:events';
import { token, until, type TestClient } from '../engines/helpers.js';
import { startHostileEngine, type HostileEngine } from './hostile-engine.js';
import { startRig, type Rig } from './rig.js';

let rig: Rig;
let engine: HostileEngine;

afterEach(async () => {
  await rig.stop();
  await engine.close();
});

async function setup(config: Record<string, unknown> = {}) {
  engine = await startHostileEngine();
  rig = await startRig({ legacyUrl: engine.url, config: { guard: { mode: 'dry-run' }, ...config } });
}

const violations = (action: string) =>
  rig.metric('switchyard_isolation_violations_total', { engine: 'legacy', action });
const frame = (v: unknown) => JSON.stringify(v);
const isError = (f: { type?: string }) => f.type === 'error_message';

describe('hostile clients against the ownership model', () => {
  it("gain nothing by giving the victim's user id as their own thread id", async () => {
    await setup();
    const victim = await rig.connectAs('vic-1');
    const mal = await rig.connectAs('mal-1');
    mal.send({ type: 'user_message', payload: { text: 'x', thread_id: 'vic-1' } });
    expect((await mal.waitFor(isError)).error_code).toBe('ISOLATION_VIOLATION');
    const socket = engine.byUser.get('mal-1')!;
    socket.send(frame({ type: 'agent_thinking', data: { user_id: 'vic-1', thread_id: 'vic-1', secret: 1 } }));
    socket.send(frame({ type: 'agent_thinking', payload: { user_id: 'vic-1' }, secret: 2 }));
    socket.send(frame({ type: 'barrier' }));
    await mal.waitFor((f) => f.type === 'barrier');
    expect(mal.frames.filter((f) => JSON.stringify(f).includes('secret'))).toEqual([]);
    expect(await violations('block')).toBe(2);
    expect(victim.frames.some(isError)).toBe(false);
  });

  it("cannot block the victim's own thread by naming it first, nor receive the victim's frames", async () => {
    await setup();
    const mal = await rig.connectAs('mal-2');
    // Naming a thread, in frames the engine does not answer, claims nothing.
    mal.send({ type: 'session_restore', payload: { threadId: 'thread-vic-2' } });
    mal.send({ type: 'chat_note', payload: { thread_id: 'thread-vic-2', user_id: 'thread-vic-2' } });
    await until(() => engine.received.length === 2);
    expect(rig.proxy.app.gateway.ownership.ownerOf('thread-vic-2')).toBeUndefined();
    const victim = await rig.connectAs('vic-2');
    for (let k = 0; k < 5; k++)
      victim.send({ type: 'user_message', payload: { text: `m${k}`, thread_id: 'thread-vic-2' } });
    await until(() => victim.frames.filter((f) => f.type === 'agent_started').length === 5);
    expect(victim.frames.some(isError)).toBe(false);
    expect(rig.proxy.app.gateway.ownership.ownerOf('thread-vic-2')).toBe('vic-2');
    const socket = engine.byUser.get('mal-2')!;
    socket.send(frame({ type: 'agent_thinking', thread_id: 'thread-vic-2', secret: 1 }));
    socket.send(frame({ type: 'agent_thinking', data: { user_id: 'thread-vic-2' }, secret: 2 }));
    socket.send(frame({ type: 'barrier' }));
    await mal.waitFor((f) => f.type === 'barrier');
    expect(mal.frames.filter((f) => JSON.stringify(f).includes('secret'))).toEqual([]);
    expect(await violations('block')).toBe(2);
  });

  it("one account with 205 sessions x 1,000 thread ids evicts no one else's claims", async () => {
    await setup();
    const victims = await Promise.all(['v-a', 'v-b', 'v-c'].map((u) => rig.connectAs(u)));
    victims.forEach((v, i) =>
      v.send({ type: 'user_message', payload: { text: 'x', thread_id: `t-v-${i}` } }),
    );
    await until(() => victims.every((v) => v.frames.some((f) => f.type === 'agent_started')));
    const jwt = await token('mal-3');
    for (let s = 0; s < 205; s += 41) {
      await Promise.all(
        Array.from({ length: 41 }, async (_, k) => {
          const c = rig.open('/ws', [], { authorization: `Bearer ${jwt}` });
          await c.waitFor(() => true);
          const threads = Array.from({ length: 1_000 }, (_, t) => ({ thread_id: `m-${s + k}-${t}` }));
          c.send({ type: 'user_message', payload: { text: 'x', threads } });
          // The engine "confirms" them all for mal-3.
          engine.byUser
            .get('mal-3')!
            .send(frame({ type: 'thread_list', data: { user_id: 'mal-3', threads } }));
          await c.waitFor((f) => f.type === 'agent_started');
        }),
      );
    }
    const ownership = rig.proxy.app.gateway.ownership;
    expect(ownership.heldBy('mal-3')).toBeLessThanOrEqual(1_000);
    for (const [i, u] of ['v-a', 'v-b', 'v-c'].entries()) {
      expect([ownership.ownerOf(`run-${u}`), ownership.ownerOf(`t-v-${i}`)]).toEqual([u, u]);
    }
    // And the claims still block: v-a's run-id-only event leaked to v-b.
    engine.byUser.get('v-b')!.send(frame({ type: 'agent_thinking', run_id: 'run-v-a', leaked: true }));
    engine.byUser.get('v-b')!.send(frame({ type: 'barrier' }));
    await victims[1]!.waitFor((f) => f.type === 'barrier');
    expect(victims[1]!.frames.some((f) => f.leaked === true)).toBe(false);
  }, 60_000);

  it("blocks a run's first event (a run id only) reaching another user's session before the owner's", async () => {
    await setup();
    const [amy, bob] = [await rig.connectAs('amy-r'), await rig.connectAs('bob-r')];
    const first = frame({ type: 'agent_started', run_id: 'run-x1', payload: { status: 'started' } });
    // A start the engine does not answer on its own: the test plays the engine's events.
    amy.send({ type: 'start_agent', payload: { user_request: 'x', thread_id: null } });
    await until(() => engine.received.length === 1);
    engine.byUser.get('bob-r')!.send(first);
    engine.byUser.get('amy-r')!.send(first);
    await amy.waitFor((f) => f.type === 'agent_started' && f.run_id === 'run-x1');
    engine.byUser.get('bob-r')!.send(frame({ type: 'agent_thinking', run_id: 'run-x1' }));
    engine.byUser.get('bob-r')!.send(frame({ type: 'barrier' }));
    await bob.waitFor((f) => f.type === 'barrier');
    expect(bob.frames.filter((f) => f.run_id === 'run-x1')).toEqual([]);
    expect(await violations('block')).toBe(2);
  });
});

describe('the handshake and the engine address', () => {
  it.each(['?user%5Fid=bob', '?%75ser_id=bob', '?user_id=bob'])(
    'closes %s with an error frame and 1008, and opens no engine socket',
    async (query) => {
      await setup();
      const client = rig.open(`/ws${query}`, [], { authorization: `Bearer ${await token('alice')}` });
      const first = await client.waitFor(() => true);
      expect(first).toMatchObject({ type: 'error_message', error_code: 'USER_ID_MISMATCH' });
      expect((await client.closed).code).toBe(1008);
      expect(engine.handshakes).toBe(0);
    },
  );

  it("forwards neither ?token= nor the proxy's ticket tag; the JWT goes in the header; X-Forwarded-For is appended", async () => {
    await setup();
    const jwt = await token('tom');
    const client = rig.open(`/ws?token=${jwt}&user_id=tom&x=1`, [], { 'x-forwarded-for': '203.0.113.9' });
    await once(client.ws, 'open');
    await until(() => engine.handshakeUrls.length === 1);
    expect(engine.handshakeUrls[0]).not.toContain('token=');
    expect(engine.handshakeUrls[0]).not.toContain(jwt.slice(0, 20));
    expect(engine.handshakeUrls[0]).toContain('x=1');
    expect(engine.handshakeHeaders[0]!.authorization).toBe(`Bearer ${jwt}`);
    expect(engine.handshakeHeaders[0]!['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
  });
});

describe('the ticket flow', () => {
  it('hands out a tag that does not show the raw ticket id, and the engine gets only the raw id', async () => {
    engine = await startHostileEngine();
    rig = await startRig();
    const res = await fetch(`${rig.proxy.url}/api/websocket/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('tia')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ttl_seconds: 60, single_use: true, permissions: [] }),
    });
    const { ticket_id: tag } = (await res.json()) as { ticket_id: string };
    const client: TestClient = rig.open(`/ws?ticket=${encodeURIComponent(tag)}`);
    await client.waitFor(() => true);
    const path = rig.legacy.handshakes.at(-1)!.path;
    const raw = new URL(path, 'http://e').searchParams.get('ticket')!;
    expect(raw.length).toBeGreaterThan(4);
    expect(tag).not.toContain(raw);
    expect(Buffer.from(tag.slice(4), 'base64url').toString('latin1')).not.toContain(raw);
    expect(path).not.toContain('sy2.');
  });
});
