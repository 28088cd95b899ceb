import { request } from 'node:http';
import { DeadlineSweeper } from '../../src/proxy/deadline-sweeper.js';
import { Pool } from '../../src/proxy/undici.js';
import { sendShadowRequest } from '../../src/shadow/http-request.js';
import { startEchoUpstream, type EchoUpstream, type Received } from '../support/echo-upstream.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';

/** What every request to an engine must look like, whichever part of the proxy sent it. */
function expectEnginePolicy(seen: Received): void {
  expect(seen.headers['x-forwarded-for']).toBe('10.9.8.7, 127.0.0.1');
  expect(seen.headers['x-forwarded-proto']).toBe('http');
  for (const hop of ['proxy-authorization', 'te', 'trailer', 'upgrade', 'keep-alive']) {
    expect(seen.headers[hop]).toBeUndefined();
  }
  expect(seen.headers['x-remote-user']).toBeUndefined();
}

function send(url: string, path: string, headers: Record<string, string>, body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: body === '' ? 'GET' : 'POST', headers, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('one header policy for every request to an engine', () => {
  let legacy: EchoUpstream;
  let user: EchoUpstream;
  let proxy: ProxyUnderTest;
  const clientHeaders = {
    'x-forwarded-for': '10.9.8.7',
    'proxy-authorization': 'Basic c2VjcmV0',
    te: 'trailers',
    'x-remote-user': 'bob',
  };

  beforeAll(async () => {
    legacy = await startEchoUpstream('legacy');
    user = await startEchoUpstream('user');
    proxy = await startProxy({ legacyUrl: `${legacy.url}/base`, userUrl: `${user.url}/base` });
  });
  afterAll(async () => {
    await proxy.stop();
    await Promise.all([legacy.close(), user.close()]);
  });

  it('forwards a request with x-forwarded-for appended and no hop-by-hop or identity header', async () => {
    const token = await signToken('alice');
    await send(proxy.url, '/api/threads', { ...clientHeaders, authorization: `Bearer ${token}` });
    const seen = legacy.received.at(-1)!;
    expect(seen.url).toBe('/base/api/threads');
    expectEnginePolicy(seen);
  });

  it("answers a client's Expect: 100-continue itself and forwards the body without the expectation", async () => {
    const token = await signToken('alice');
    const body = JSON.stringify({ user_id: 'alice', message: 'hi' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${proxy.url}/api/threads`,
        {
          method: 'POST',
          agent: false,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            expect: '100-continue',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    expect(status).toBe(200);
    const seen = legacy.received.at(-1)!;
    expect(seen.body).toBe(body);
    expect(seen.headers.expect).toBeUndefined();
  });

  it('sends the ticket request under the same policy, to the engine base path', async () => {
    const token = await signToken('alice');
    const body = JSON.stringify({ ttl_seconds: 60, single_use: true });
    await send(
      proxy.url,
      '/api/websocket/ticket',
      {
        ...clientHeaders,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body,
    );
    const seen = legacy.received.at(-1)!;
    expect(seen.url).toBe('/base/api/websocket/ticket');
    expect(seen.body).toBe(body);
    expectEnginePolicy(seen);
  });

  it('sends the shadow copy under the same policy, marked and unencoded', async () => {
    const pool = new Pool(new URL(user.url).origin, { connections: 1 });
    const answer = await sendShadowRequest(
      {
        base: `${user.url}/base`,
        method: 'GET',
        target: '/api/threads',
        // identity headers are stripped before the shadow sees the request (traffic-handler.ts)
        headers: {
          ...clientHeaders,
          'x-remote-user': undefined,
          host: 'client.example',
          'accept-encoding': 'gzip',
        },
        client: { remoteAddress: '127.0.0.1', localPort: 8080 },
        body: Buffer.alloc(0),
      },
      { dispatcher: pool, deadlines: new DeadlineSweeper(5000), bodyLimitBytes: 1024 * 1024 },
    );
    await pool.destroy();
    expect(answer.ok).toBe(true);
    const seen = user.received.at(-1)!;
    expect(seen.url).toBe('/base/api/threads');
    expect(seen.headers['x-switchyard-shadow']).toBe('1');
    expect(seen.headers['accept-encoding']).toBe('identity');
    expect(seen.headers.host).not.toBe('client.example');
    expectEnginePolicy(seen);
  });
});
