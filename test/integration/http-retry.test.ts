import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';
import { until } from '../support/until.js';

interface CountingEngine {
  url: string;
  /** Requests seen, by method and path. */
  seen: Map<string, number>;
  /** Engine requests held unanswered that have closed since. */
  postClosed?: () => number;
  close(): Promise<void>;
}

/** An engine that counts every request it reads and holds POSTs unanswered (until closed). */
async function startCountingEngine(): Promise<CountingEngine> {
  const seen = new Map<string, number>();
  const held: ServerResponse[] = [];
  let postClosed = 0;
  const server: Server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    req.resume();
    if (req.method === 'POST') {
      held.push(res);
      res.on('close', () => postClosed++);
      return;
    }
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    postClosed: () => postClosed,
    close: async () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('a request is sent to its engine once', () => {
  let engine: CountingEngine;
  let other: EchoUpstream;
  let proxy: ProxyUnderTest;

  afterEach(async () => {
    await proxy.stop();
    await Promise.all([engine.close(), other.close()]);
  });

  it('a client that leaves while its POST is in flight does not make the proxy send it again', async () => {
    engine = await startCountingEngine();
    other = await startEchoUpstream('user');
    // No flag file: everyone is served by legacy, the counting engine.
    proxy = await startProxy({
      legacyUrl: engine.url,
      userUrl: other.url,
      config: { log: { level: 'warn' } },
    });
    const token = await signToken('alice');
    const auth = { authorization: `Bearer ${token}` };
    // A first request leaves a keep-alive socket in the pool, so that the POST reuses it.
    expect((await fetch(`${proxy.url}/api/threads/warm`, { headers: auth })).status).toBe(200);
    const abort = new AbortController();
    const post = fetch(`${proxy.url}/api/agent/run_agent`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'alice', message: 'run once' }),
      signal: abort.signal,
    }).catch((err: unknown) => err);
    await until(() => engine.seen.get('POST /api/agent/run_agent') === 1, 10_000, 'the POST');
    abort.abort();
    await post;
    await until(() => (engine.postClosed?.() ?? 0) >= 1, 10_000, 'the engine request to close');
    // A later request through the same proxy and engine: any resend was made before it.
    expect((await fetch(`${proxy.url}/api/threads/after`, { headers: auth })).status).toBe(200);
    expect(engine.seen.get('POST /api/agent/run_agent')).toBe(1);
  }, 30_000);

  it('an engine that drops idle sockets 1-3 ms after answering: 320 GETs answered, each sent once', async () => {
    engine = await startIdleDroppingEngine();
    other = await startEchoUpstream('user');
    proxy = await startProxy({
      legacyUrl: engine.url,
      userUrl: other.url,
      config: { log: { level: 'warn' } },
    });
    const token = await signToken('bob');
    const auth = { authorization: `Bearer ${token}` };
    const statuses: number[] = [];
    const get = async (i: number) => {
      const res = await fetch(`${proxy.url}/api/threads/t${i}`, { headers: auth });
      await res.arrayBuffer();
      statuses.push(res.status);
    };
    for (let i = 0; i < 160; i++) await get(i);
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 16 }, (_, k) => get(160 + batch * 16 + k)));
    }
    expect(statuses).toHaveLength(320);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    for (let i = 0; i < 320; i++) expect(engine.seen.get(`GET /api/threads/t${i}`)).toBe(1);
  }, 60_000);
});

/**
 * A bare-bones HTTP/1.1 engine (GETs only) that keeps a socket for 1-3 ms after each answer,
 * announcing `Connection: keep-alive` and no timeout. A request that arrives after that, before
 * the engine got round to closing the socket, is dropped unread with the socket: the race a
 * real engine's idle timeout has with a proxy that reuses the socket.
 */
async function startIdleDroppingEngine(): Promise<CountingEngine> {
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    let idleUntil = Number.POSITIVE_INFINITY;
    let timer: NodeJS.Timeout | null = null;
    socket.on('data', (chunk: Buffer) => {
      if (buffered === '' && performance.now() > idleUntil) return void socket.destroy();
      if (timer !== null) clearTimeout(timer);
      buffered += chunk.toString('latin1');
      let end;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const [method, url] = head.split(' ');
        const key = `${method} ${url}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: keep-alive\r\ncontent-length: 11\r\n\r\n{"ok":true}',
        );
      }
      const idleMs = 1 + Math.random() * 2;
      idleUntil = performance.now() + idleMs;
      // The close reaches the proxy later than it is decided (another process, a busy host).
      timer = setTimeout(() => socket.destroy(), idleMs + 25);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
