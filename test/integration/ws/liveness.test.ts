import WebSocket from 'ws';
import { once } from 'node:events';
import { TestClient, token, until } from '../engines/helpers.js';
import { sleep, startRig, type Rig } from './rig.js';
import { startScriptedEngine, type ScriptedEngine } from './scripted-engine.js';

let rig: Rig;
let engine: ScriptedEngine | undefined;
const PING = 100;
const IDLE = 250;
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
    await sleep(4 * IDLE);
    expect(pings).toBeGreaterThanOrEqual(8);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(rig.legacy.openSockets()).toBe(1);
  });

  it('terminates a dead link (no pong, no frame) after the idle timeout, within one more interval', async () => {
    rig = await startRig({ config: { websocket } });
    const dead = await openClient('hal', false);
    const started = Date.now();
    await dead.closed;
    const after = Date.now() - started;
    expect(after).toBeGreaterThanOrEqual(IDLE);
    expect(after).toBeLessThan(IDLE + 3 * PING); // one interval, and room for a busy machine
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
    }, IDLE / 2);
    await sleep(4 * IDLE);
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
