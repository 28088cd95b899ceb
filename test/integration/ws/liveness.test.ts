import WebSocket from 'ws';
import { once } from 'node:events';
import { TestClient, token, until } from '../engines/helpers.js';
import { startRig, type Rig } from './rig.js';
import { startScriptedEngine, type ScriptedEngine } from './scripted-engine.js';

let rig: Rig;
let engine: ScriptedEngine | undefined;
// An idle timeout of several intervals: a live client's pong may be late on a busy machine.
// The exact bound (idle timeout + one interval) is proven on a driven clock: unit/ws/liveness-sweeper.
const PING = 250;
const IDLE = 1500;
const websocket = { pingIntervalMs: PING, idleTimeoutMs: IDLE };

afterEach(async () => {
  await rig.stop();
  await engine?.close();
  engine = undefined;
});

/** A client whose socket answers protocol pings or not (a browser always does; a dead link never). */
async function openClient(sub: string, autoPong: boolean): Promise<TestClient> {
  const ws = new WebSocket(`${rig.wsUrl}/ws`, {
    headers: { authorization: `Bearer ${await token(sub)}` },
    autoPong,
  });
  ws.on('error', () => undefined);
  const client = new TestClient(ws);
  await once(ws, 'open');
  return client;
}

describe('liveness', () => {
  it('pings the client every interval, and a client that answers stays however quiet it is', async () => {
    rig = await startRig({ config: { websocket } });
    const client = await openClient('gus', true);
    let pings = 0;
    client.ws.on('ping', () => pings++);
    // Two idle timeouts' worth of pings, however long a busy machine takes to send them.
    await until(() => pings >= (2 * IDLE) / PING || client.ws.readyState !== WebSocket.OPEN, 30_000);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(rig.legacy.openSockets()).toBe(1);
  });

  it('terminates a dead link (no pong, no frame) once the idle timeout has passed', async () => {
    rig = await startRig({ config: { websocket } });
    const dead = await openClient('hal', false);
    const started = Date.now();
    await dead.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE);
    await until(() => rig.legacy.openSockets() === 0);
    expect(rig.proxy.app.gateway.registry.size()).toBe(0);
  });

  it('keeps a client alive on its JSON pings alone, and passes them through as ordinary frames', async () => {
    engine = await startScriptedEngine();
    rig = await startRig({ legacyUrl: engine.url, config: { websocket } });
    const client = await openClient('ida', false);
    const sent: string[] = [];
    const timer = setInterval(() => {
      const ping = JSON.stringify({ type: 'ping', timestamp: Date.now() / 1000 });
      sent.push(ping);
      client.ws.send(ping);
    }, IDLE / 6);
    // Twelve JSON pings span two idle timeouts; protocol pings go unanswered all along.
    await until(() => sent.length >= 12 || client.ws.readyState !== WebSocket.OPEN, 30_000);
    clearInterval(timer);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    await until(() => engine!.received.length === sent.length);
    expect(engine.received.map((f) => f.data.toString('utf8'))).toEqual(sent);
  });

  it('relays the engine answer to a JSON ping', async () => {
    rig = await startRig({ config: { websocket } });
    const client = await rig.connectAs('ike');
    client.send({ type: 'ping', timestamp: 1234.5 });
    const pong = await client.waitFor((f) => f.type === 'pong');
    expect(pong.data.client_timestamp).toBe(1234.5);
  });

  it('closes the client with 1011 when the engine link is dead (no pong, no frame)', async () => {
    engine = await startScriptedEngine({ autoPong: false });
    rig = await startRig({ legacyUrl: engine.url, config: { websocket } });
    const client = await openClient('jo', true);
    const started = Date.now();
    expect((await client.closed).code).toBe(1011);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE);
  });
});
