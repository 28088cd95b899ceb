import { connect, type Socket } from 'node:net';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';

const t = {} as { legacy: EchoUpstream; user: EchoUpstream; proxy: ProxyUnderTest };
beforeEach(async () => {
  t.legacy = await startEchoUpstream('legacy');
  t.user = await startEchoUpstream('user');
  t.proxy = await startProxy({
    legacyUrl: t.legacy.url,
    userUrl: t.user.url,
    config: { http: { headersTimeoutMs: 300, requestTimeoutMs: 800, idleTimeoutMs: 1000 } },
  });
});
afterEach(async () => {
  await t.proxy.stop();
  await Promise.all([t.legacy.close(), t.user.close()]);
});

/** Sends `first`, then one `trickle` piece every 100 ms until the proxy closes the socket. */
async function trickle(url: string, first: string, piece: (i: number) => string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  let answer = '';
  socket.on('data', (c: Buffer) => (answer += c.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.write(first);
  let i = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(piece(i++));
  }, 100);
  let kept = false;
  const gaveUp = setTimeout(() => {
    kept = true;
    socket.destroy();
  }, 20_000);
  await closed;
  clearInterval(timer);
  clearTimeout(gaveUp);
  if (kept) throw new Error('the proxy kept the slow client for 20 s');
  return answer;
}

describe('slow clients', () => {
  it('closes a connection whose headers trickle in (slowloris), on the traffic listener', async () => {
    const answer = await trickle(
      t.proxy.url,
      'GET /api/threads/1 HTTP/1.1\r\nHost: x\r\n',
      (i) => `X-Slow-${i}: y\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  }, 30_000);

  it('closes a connection whose headers trickle in, on the ops listener', async () => {
    const answer = await trickle(
      t.proxy.opsUrl,
      'GET /healthz HTTP/1.1\r\nHost: x\r\n',
      (i) => `X-Slow-${i}: y\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  }, 30_000);

  it('closes a connection whose body trickles in', async () => {
    const head =
      `POST /api/threads/1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${await signToken('sam')}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n';
    await trickle(t.proxy.url, head, () => ' ');
    // The engine never got a whole request.
    expect(t.legacy.received.filter((r) => r.method === 'POST')).toEqual([]);
  }, 30_000);

  it('still serves a normal request, and keeps an idle keep-alive connection for a while', async () => {
    const res = await fetch(`${t.proxy.url}/healthz-not-a-route`, { headers: { authorization: 'Bearer x' } });
    expect(res.headers.get('keep-alive')).toBe('timeout=1');
    await res.arrayBuffer();
  }, 30_000);
});
