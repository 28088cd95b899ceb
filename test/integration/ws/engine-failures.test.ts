import { once } from 'node:events';
import { token, until } from '../engines/helpers.js';
import { startRig, userIn, type Rig } from './rig.js';
import { startScriptedEngine, type ScriptedEngine } from './scripted-engine.js';

let rig: Rig;
let engine: ScriptedEngine | undefined;

afterEach(async () => {
  await rig.stop();
  await engine?.close();
  engine = undefined;
});

const auth = async (sub: string) => ({ authorization: `Bearer ${await token(sub)}` });

describe('the serving engine refuses the connect', () => {
  it('closes with 1013 when it answers 503, and 1011 when it cannot be reached', async () => {
    const gone = await startScriptedEngine();
    await gone.close();
    rig = await startRig({ userUrl: gone.url });
    rig.legacy.faults.refuseWebSocket = true;
    const overloaded = rig.open('/ws', [], await auth('abe'));
    expect(await overloaded.closed).toEqual({ code: 1013, reason: 'legacy engine unavailable' });
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    const unreachable = rig.open('/ws', [], await auth('abe'));
    expect((await unreachable.closed).code).toBe(1011);
    expect(await rig.metric('switchyard_upstream_errors_total', { engine: 'user', reason: 'refused' })).toBe(
      1,
    );
    expect(rig.proxy.app.gateway.registry.size()).toBe(0);
  });

  it('closes with 1011 when the engine does not finish its handshake in time', async () => {
    engine = await startScriptedEngine({ acceptDelayMs: 5000 });
    rig = await startRig({ legacyUrl: engine.url, config: { websocket: { handshakeTimeoutMs: 200 } } });
    const started = Date.now();
    const client = rig.open('/ws', [], await auth('bea'));
    expect((await client.closed).code).toBe(1011);
    expect(Date.now() - started).toBeLessThan(4000); // the timeout, not the engine's 5 s accept
    expect(
      await rig.metric('switchyard_upstream_errors_total', { engine: 'legacy', reason: 'timeout' }),
    ).toBe(1);
  });

  it.each(['jwt', 'ticket'] as const)(
    'falls back to legacy for that session when configured, reason fallback (%s sign-in)',
    async (signIn) => {
      rig = await startRig({ config: { websocket: { fallbackToLegacy: true } } });
      await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
      rig.user.faults.refuseWebSocket = true;
      const id = userIn(100, true, signIn);
      let client;
      if (signIn === 'jwt') client = rig.open('/ws', [], await auth(id));
      else {
        const res = await fetch(`${rig.proxy.url}/api/websocket/ticket`, {
          method: 'POST',
          headers: { ...(await auth(id)), 'content-type': 'application/json' },
          body: JSON.stringify({ ttl_seconds: 60, single_use: true, permissions: [] }),
        });
        const { ticket_id } = (await res.json()) as { ticket_id: string };
        client = rig.open(`/ws?ticket=${encodeURIComponent(ticket_id)}`);
      }
      await once(client.ws, 'open');
      const events = await client.run({
        text: 'sent before any engine socket was open',
        thread_id: `t-${id}`,
      });
      expect(events.at(-1).type).toBe('agent_completed');
      expect(client.frames[0].data).toMatchObject({ user_id: id, engine: 'legacy' });
      expect(rig.user.handshakes).toHaveLength(1);
      const [session] = rig.proxy.app.gateway.registry.all();
      expect([session!.engine, session!.reason]).toEqual(['legacy', 'fallback']);
      expect(
        await rig.metric('switchyard_routing_decisions_total', { engine: 'legacy', reason: 'fallback' }),
      ).toBe(1);
      expect(await rig.metric('switchyard_ws_connections', { engine: 'legacy' })).toBe(1);
      expect(await rig.metric('switchyard_ws_connections', { engine: 'user' })).toBe(0);
    },
  );
});

describe('the engine socket drops mid-session', () => {
  it('closes the client at once with the engine code, 1000 for none, 1011 for a cut', async () => {
    engine = await startScriptedEngine({ onConnection: (ws) => ws.send('{"type":"connect"}') });
    rig = await startRig({ legacyUrl: engine.url });
    const clients = [];
    for (const u of ['cal', 'cid', 'cy']) {
      const c = rig.open('/ws', [], await auth(u));
      await c.waitFor(() => true); // one at a time: engine.sockets[i] is clients[i]'s
      clients.push(c);
    }
    const [coded, bare, cut] = engine.sockets;
    const started = Date.now();
    coded!.close(4002, 'engine says bye');
    bare!.close();
    cut!.terminate();
    expect(await clients[0]!.closed).toEqual({ code: 4002, reason: 'engine says bye' });
    expect((await clients[1]!.closed).code).toBe(1000);
    expect((await clients[2]!.closed).code).toBe(1011);
    expect(Date.now() - started).toBeLessThan(5000); // passed on, not left to ws's 30 s close timeout
    await until(() => rig.proxy.app.gateway.registry.size() === 0);
  });
});

describe('the client drops', () => {
  it('closes the engine socket with the client code, or 1001 for a cut', async () => {
    const codes: number[] = [];
    engine = await startScriptedEngine({
      onConnection: (ws) => {
        ws.on('close', (code) => codes.push(code));
        ws.send('{"type":"connect"}');
      },
    });
    rig = await startRig({ legacyUrl: engine.url });
    const polite = rig.open('/ws', [], await auth('dan'));
    await polite.waitFor(() => true);
    polite.ws.close(4001, 'tab closed');
    await until(() => codes.length === 1);
    const rude = rig.open('/ws', [], await auth('dan'));
    await rude.waitFor(() => true);
    rude.ws.terminate();
    await until(() => codes.length === 2);
    expect(codes).toEqual([4001, 1001]);
  });

  it('abandons an engine connect still under way', async () => {
    engine = await startScriptedEngine({ acceptDelayMs: 200 });
    rig = await startRig({ legacyUrl: engine.url });
    const client = rig.open('/ws', [], await auth('eve'));
    await once(client.ws, 'open');
    client.ws.terminate();
    await until(() => rig.proxy.app.gateway.registry.size() === 0);
    await until(() => engine!.settled === 1);
    expect(engine.handshakes).toBe(1);
    expect(engine.sockets).toHaveLength(0);
  });

  it('leaves the reference engine with no open socket', async () => {
    rig = await startRig();
    const clients = await Promise.all(['fay', 'fin', 'flo'].map((u) => rig.connectAs(u)));
    expect(rig.legacy.openSockets()).toBe(3);
    clients[0]!.ws.terminate();
    clients[1]!.ws.close();
    clients[2]!.send({ type: 'user_message', payload: { text: 'bye mid-run', thread_id: 'th-flo' } });
    await clients[2]!.waitFor((f) => f.type === 'agent_started');
    clients[2]!.ws.terminate();
    await until(() => rig.legacy.openSockets() === 0);
    await until(() => rig.proxy.app.gateway.registry.size() === 0);
  });
});
