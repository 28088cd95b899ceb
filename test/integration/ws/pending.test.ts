import { once } from 'node:events';
import { token, until } from '../engines/helpers.js';
import { startRig, type Rig } from './rig.js';
import { startScriptedEngine, type ScriptedEngine } from './scripted-engine.js';

let rig: Rig;
let engine: ScriptedEngine | undefined;

async function withSlowEngine(acceptDelayMs: number, websocket: Record<string, unknown> = {}) {
  engine = await startScriptedEngine({ acceptDelayMs });
  rig = await startRig({ legacyUrl: engine.url, config: { websocket } });
}

async function openAs(userId: string) {
  const client = rig.open('/ws', [], { authorization: `Bearer ${await token(userId)}` });
  await once(client.ws, 'open');
  return client;
}

afterEach(async () => {
  await rig.stop();
  await engine?.close();
  engine = undefined;
});

describe('frames sent before the engine socket is open', () => {
  it('are held and delivered in order: a flushed queue, session_restore, unknown types and binary', async () => {
    await withSlowEngine(300);
    const client = await openAs('pat');
    const sent: Array<string | Buffer> = [];
    for (let i = 0; i < 100; i++)
      sent.push(JSON.stringify({ type: 'user_message', payload: { content: `m${i}` } }));
    sent.push(
      JSON.stringify({ type: 'session_restore', payload: { threadId: 'thread-pat', lastMessageId: null } }),
    );
    sent.push(JSON.stringify({ type: 'from_the_future', payload: {} }));
    sent.push(Buffer.from([1, 2, 3, 0, 255]));
    for (const f of sent) client.ws.send(f);
    await until(() => rig.proxy.app.gateway.registry.all()[0]?.pendingFrames === sent.length);
    expect(engine!.received).toHaveLength(0);
    await until(() => engine!.received.length === sent.length);
    expect(engine!.received.map((f) => (f.isBinary ? f.data : f.data.toString('utf8')))).toEqual(sent);
    expect(engine!.received.at(-1)!.isBinary).toBe(true);
    expect(rig.proxy.app.gateway.registry.all()[0]!.pendingFrames).toBe(0);
  });

  it('closes the session with 1013 when more frames arrive than the queue holds, and sends none', async () => {
    await withSlowEngine(300, { pendingMaxFrames: 5 });
    const client = await openAs('quinn');
    for (let i = 0; i < 6; i++) client.send({ type: 'ping', n: i });
    expect((await client.closed).code).toBe(1013);
    // Once the engine's accept delay is over and any socket it accepted is closed, nothing more can come.
    await until(
      () =>
        engine!.settled === engine!.handshakes && engine!.sockets.every((ws) => ws.readyState === ws.CLOSED),
    );
    expect(engine!.received).toHaveLength(0);
  });

  it('bounds the held bytes too', async () => {
    await withSlowEngine(300, { pendingMaxBytes: 1000 });
    const client = await openAs('rosa');
    client.send({ type: 'user_message', payload: { text: 'x'.repeat(600) } });
    client.send({ type: 'user_message', payload: { text: 'y'.repeat(600) } });
    expect((await client.closed).code).toBe(1013);
  });
});

describe('frames the proxy does not know', () => {
  it('pass to the engine, which answers them with its ack', async () => {
    rig = await startRig();
    const client = await rig.connectAs('sam');
    client.send({ type: 'session_restore', payload: { threadId: 'thread-sam', lastMessageId: 'm-1' } });
    client.send({ type: 'no_such_type_yet' });
    const ack1 = await client.waitFor((f) => f.type === 'ack' && f.received_type === 'session_restore');
    const ack2 = await client.waitFor((f) => f.type === 'ack' && f.received_type === 'no_such_type_yet');
    expect([ack1.status, ack2.status]).toEqual(['acknowledged', 'acknowledged']);
  });
});

describe('fragmented messages', () => {
  it('are relayed whole in both directions, text and binary', async () => {
    engine = await startScriptedEngine({
      onConnection: (ws) =>
        ws.on('message', (data, isBinary) => {
          const bytes = data as Buffer;
          const third = Math.ceil(bytes.length / 3);
          ws.send(bytes.subarray(0, third), { binary: isBinary, fin: false });
          ws.send(bytes.subarray(third, 2 * third), { binary: isBinary, fin: false });
          ws.send(bytes.subarray(2 * third), { binary: isBinary, fin: true });
        }),
    });
    rig = await startRig({ legacyUrl: engine.url });
    const client = await openAs('tess');
    const text = JSON.stringify({ type: 'user_message', payload: { text: 'z'.repeat(5000) } });
    client.ws.send(text.slice(0, 10), { fin: false });
    client.ws.send(text.slice(10, 3000), { fin: false });
    client.ws.send(text.slice(3000), { fin: true });
    const bytes = Buffer.alloc(70_000, 7);
    client.ws.send(bytes.subarray(0, 100), { binary: true, fin: false });
    client.ws.send(bytes.subarray(100), { binary: true, fin: true });
    await until(() => client.frames.length === 1 && client.binary.length === 1);
    expect(JSON.stringify(client.frames[0])).toBe(text);
    expect(client.binary[0]).toEqual(bytes);
    expect(engine.received.map((f) => f.data.length)).toEqual([text.length, bytes.length]);
  });
});
