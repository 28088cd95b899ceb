import { once } from 'node:events';
import type { WebSocket } from 'ws';
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

async function openAs(sub: string): Promise<TestClient> {
  const client = rig.open('/ws', [], { authorization: `Bearer ${await token(sub)}` });
  await once(client.ws, 'open');
  return client;
}

const FRAME = 64 * 1024;
const FRAMES = 768; // 48 MiB: far more than the loopback socket buffers of both hops hold

describe('back-pressure', () => {
  it('stops reading from the engine while the client is behind, and delivers everything in order once it drains', async () => {
    let flooded: WebSocket | undefined;
    engine = await startScriptedEngine({
      onConnection: (ws) =>
        ws.on('message', () => {
          flooded = ws;
          for (let i = 0; i < FRAMES; i++) ws.send(Buffer.alloc(FRAME, i % 251));
        }),
    });
    rig = await startRig({ legacyUrl: engine.url, config: { websocket: { highWaterBytes: 256 * 1024 } } });
    const client = await openAs('kai');
    client.ws.pause();
    client.send({ type: 'flood_me' });
    const session = () => rig.proxy.app.gateway.registry.all()[0]!;
    await until(() => session().enginePaused, 30_000);
    await sleep(200);
    const stuck = flooded!.bufferedAmount;
    expect(stuck).toBeGreaterThan(16 * 1024 * 1024); // it waits at the engine, not in the proxy
    await sleep(200);
    expect(session().enginePaused).toBe(true);
    expect(flooded!.bufferedAmount).toBe(stuck);
    client.ws.resume();
    await until(() => client.binary.length === FRAMES, 60_000); // 48 MiB on a busy machine
    expect(client.binary.every((b, i) => b.length === FRAME && b[0] === i % 251)).toBe(true);
    expect(session().enginePaused).toBe(false);
    expect(flooded!.bufferedAmount).toBe(0);
  }, 120_000);
  it('closes the engine socket at once when a client that is behind goes away', async () => {
    let flooded: WebSocket | undefined;
    const closed: number[] = [];
    engine = await startScriptedEngine({
      onConnection: (ws) => {
        flooded = ws;
        ws.on('close', () => closed.push(Date.now()));
        ws.on('message', () => {
          for (let i = 0; i < FRAMES; i++) ws.send(Buffer.alloc(FRAME, i % 251));
        });
      },
    });
    rig = await startRig({ legacyUrl: engine.url, config: { websocket: { highWaterBytes: 256 * 1024 } } });
    const client = await openAs('lou');
    client.ws.pause();
    client.send({ type: 'flood_me' });
    await until(() => (flooded?.bufferedAmount ?? 0) > 16 * 1024 * 1024, 30_000);
    const goneAt = Date.now();
    client.ws.terminate();
    // The engine's close reply waits behind what it still has to send, so a proxy that only
    // started a close handshake would hold the socket until ws's 30 s close timeout; one that
    // closes at once frees it in the time it takes to read what is in flight (longer when busy).
    await until(() => closed.length === 1, 20_000);
    expect(closed[0]! - goneAt).toBeLessThan(15_000);
  }, 90_000);
});

describe('maximum frame size', () => {
  const LIMIT = 64 * 1024;

  it('closes only the session whose client sent an oversized frame, with 1009, and sends the engine nothing of it', async () => {
    engine = await startScriptedEngine({
      onConnection: (ws) => ws.on('message', (d, isBinary) => ws.send(d as Buffer, { binary: isBinary })),
    });
    rig = await startRig({ legacyUrl: engine.url, config: { websocket: { maxPayloadBytes: LIMIT } } });
    const [big, sibling, other] = [await openAs('lea'), await openAs('lea'), await openAs('max')];
    const atLimit = JSON.stringify({ type: 'user_message', payload: { text: 'a'.repeat(LIMIT - 45) } });
    expect(Buffer.byteLength(atLimit)).toBe(LIMIT);
    big.ws.send(atLimit);
    await until(() => big.frames.length === 1);
    big.send({ type: 'user_message', payload: { text: 'b'.repeat(LIMIT) } });
    expect((await big.closed).code).toBe(1009);
    sibling.send({ type: 'still_here' });
    other.send({ type: 'still_here' });
    await until(() => sibling.frames.length === 1 && other.frames.length === 1);
    const small = Buffer.byteLength(JSON.stringify({ type: 'still_here' }));
    expect(engine.received.map((f) => f.data.length)).toEqual([LIMIT, small, small]);
    await until(() => engine!.sockets.filter((s) => s.readyState === s.OPEN).length === 2);
  });

  it('closes the session with 1009 when its engine sends an oversized frame, and no other', async () => {
    engine = await startScriptedEngine({
      onConnection: (ws) =>
        ws.on('message', (d) => ws.send((d as Buffer).toString() === 'big' ? 'x'.repeat(LIMIT + 1) : '"ok"')),
    });
    rig = await startRig({ legacyUrl: engine.url, config: { websocket: { maxPayloadBytes: LIMIT } } });
    const [victim, bystander] = [await openAs('ned'), await openAs('ola')];
    victim.ws.send('big');
    expect(await victim.closed).toEqual({ code: 1009, reason: 'engine message too big' });
    bystander.ws.send('"ping"');
    await until(() => bystander.frames.length === 1);
    expect(bystander.frames[0]).toBe('ok');
  });
});
