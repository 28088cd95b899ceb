import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { until } from '../../support/until.js';

/** A WebSocket engine that records each socket's path, whether it is a shadow, and its frames. */
async function startRecordingEngine(basePath: string) {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const sockets: Array<{ path: string; shadow: boolean; frames: string[] }> = [];
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = {
        path: req.url ?? '',
        shadow: req.headers['x-switchyard-shadow'] === '1',
        frames: [] as string[],
      };
      sockets.push(entry);
      ws.on('message', (data) => entry.frames.push((data as Buffer).toString()));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${basePath}`,
    sockets,
    async close() {
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** An engine that refuses every WebSocket with 503 (down behind its load balancer). */
async function startRefusingEngine() {
  const server: Server = createServer((_req, res) => res.writeHead(503).end());
  server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('the engine WebSocket address and fallback', () => {
  let legacy: Awaited<ReturnType<typeof startRecordingEngine>>;
  let user: Awaited<ReturnType<typeof startRefusingEngine>>;
  let proxy: ProxyUnderTest;
  const clients: WebSocket[] = [];

  const open = async (sub: string): Promise<WebSocket> => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`, {
      headers: { authorization: `Bearer ${await signToken(sub)}` },
    });
    clients.push(ws);
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    return ws;
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.terminate();
    await proxy.stop();
    await Promise.all([legacy.close(), user.close()]);
  });

  it("keeps the engine URL's base path: http://host/legacy -> ws://host/legacy/ws", async () => {
    legacy = await startRecordingEngine('/legacy');
    user = await startRefusingEngine();
    proxy = await startProxy({ legacyUrl: legacy.url, userUrl: user.url });
    const ws = await open('alice');
    ws.send('{"type":"ping"}');
    await until(() => legacy.sockets[0]?.frames.length === 1, 10_000, 'the frame at legacy');
    expect(legacy.sockets.map((s) => s.path)).toEqual(['/legacy/ws']);
  }, 30_000);

  it('after a fallback to legacy, legacy gets each client frame once', async () => {
    legacy = await startRecordingEngine('');
    user = await startRefusingEngine();
    proxy = await startProxy({
      legacyUrl: legacy.url,
      userUrl: user.url,
      config: { websocket: { fallbackToLegacy: true } },
    });
    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    await proxy.admin('PUT', '/admin/shadow', { percent: 100 });
    const ws = await open('bob');
    // The shadow copy (legacy is the shadow of a user-engine session) and, after the refusal,
    // the live socket: both at legacy, and the legacy engine sends nothing first.
    await until(() => legacy.sockets.length === 2, 10_000, 'the live and the shadow socket');
    for (let i = 0; i < 3; i++) ws.send(JSON.stringify({ type: 'user_message', payload: { n: i } }));
    const live = legacy.sockets.find((s) => !s.shadow)!;
    await until(() => live.frames.length === 3, 10_000, 'three frames on the live socket');
    const all = legacy.sockets.flatMap((s) => s.frames);
    expect(all).toHaveLength(3);
  }, 30_000);
});
