import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { RelaySession } from '../../../src/ws/relay-session.js';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { until } from '../../support/until.js';

const MiB = 1024 * 1024;

/** An engine that never reads a socket opened with `?flood=1`, and answers pings on the others. */
async function startEngine() {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, maxPayload: 2 * MiB });
  wss.on('connection', (ws, req) => {
    ws.on('error', () => undefined);
    if ((req.url ?? '').includes('flood=1')) return ws.pause();
    ws.on('message', (data) => {
      if ((data as Buffer).toString() === '{"type":"ping"}') ws.send('{"type":"pong"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** What the proxy holds for a session: its writer's state and its engine socket (test access). */
function inside(session: RelaySession): {
  clientPaused: boolean;
  engineBuffered: number;
  engineOpen: boolean;
} {
  const s = session as unknown as {
    writer: { clientPaused: boolean };
    upstream: WebSocket | null;
  };
  return {
    clientPaused: s.writer.clientPaused,
    engineBuffered: s.upstream?.bufferedAmount ?? 0,
    engineOpen: s.upstream?.readyState === WebSocket.OPEN,
  };
}

describe('back-pressure from a client to an engine that does not read', () => {
  let engine: Awaited<ReturnType<typeof startEngine>>;
  let proxy: ProxyUnderTest;
  const clients: WebSocket[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await proxy.stop();
    await engine.close();
  });

  const open = async (sub: string, query = ''): Promise<WebSocket> => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws${query}`, {
      headers: { authorization: `Bearer ${await signToken(sub)}` },
    });
    clients.push(ws);
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    return ws;
  };

  it('stops reading a client flooding 400 x 1 MiB while a bystander is answered promptly', async () => {
    engine = await startEngine();
    proxy = await startProxy({
      legacyUrl: engine.url,
      userUrl: engine.url,
      config: { log: { level: 'warn' } },
    });
    const bystander = await open('bystander');
    const flooder = await open('flooder', '?flood=1');
    await until(() => proxy.app.gateway.registry.size() === 2, 10_000, 'two sessions');
    // Sessions are registered in the order they opened: the bystander's, then the flooder's.
    const target = proxy.app.gateway.registry.all()[1]!;
    // Frames sent before the engine socket opens are held in a small queue instead.
    await until(() => inside(target).engineOpen, 10_000, 'the engine socket');

    const frame = Buffer.alloc(MiB, 7);
    for (let i = 0; i < 400; i++) flooder.send(frame, { binary: true });
    await until(() => inside(target).clientPaused, 30_000, 'the proxy to stop reading the flooder');
    const highWater = proxy.config.websocket.highWaterBytes;
    // Held by the proxy towards the engine: about one bound (the frame that crossed it, and the
    // frames the client socket had already delivered), not the flood.
    expect(inside(target).engineBuffered).toBeLessThan(highWater + 8 * MiB);
    // Most of the flood is still with the client: the proxy did not read it.
    expect(flooder.bufferedAmount).toBeGreaterThan(300 * MiB);

    const startedAt = performance.now();
    const pong = new Promise((r) => bystander.once('message', r));
    bystander.send('{"type":"ping"}');
    await pong;
    expect(performance.now() - startedAt).toBeLessThan(2000);
    expect(inside(target).engineBuffered).toBeLessThan(highWater + 8 * MiB);
  }, 60_000);
});
