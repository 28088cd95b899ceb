import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useEchoProxy } from '../support/echo-proxy-fixture.js';
import { startEchoUpstream } from '../support/echo-upstream.js';
import { startProxy } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';
import { bucket } from '../../src/routing/bucket.js';

const t = useEchoProxy();

async function get(path: string, token: string | null, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.proxy.url}${path}`, {
    headers: { ...(token !== null && { authorization: `Bearer ${token}` }), ...headers },
  });
  return {
    status: res.status,
    engine: res.headers.get('x-switchyard-engine'),
    body: await res.json(),
  };
}

/** A user id whose rollout bucket is at most (in) or above (out) the given percent. */
function userIn(percent: number, inside: boolean): string {
  for (let i = 0; ; i++) {
    const id = `u-${i}`;
    if (bucket('switchyard-rollout', id) <= percent === inside) return id;
  }
}

describe('HTTP routing through the traffic listener', () => {
  it('sends everyone to legacy when no flag file exists yet', async () => {
    const r = await get('/api/threads/abc', await signToken('alice'));
    expect(r).toMatchObject({ status: 200, engine: 'legacy', body: { engine: 'legacy' } });
  });

  it('routes a user in the rollout to the user engine, stickily, and the others to legacy', async () => {
    expect((await t.proxy.admin('PUT', '/admin/rollout', { percent: 30 })).status).toBe(200);
    const inside = await signToken(userIn(30, true));
    const outside = await signToken(userIn(30, false));
    for (let i = 0; i < 5; i++) {
      expect((await get('/api/threads/1', inside)).engine).toBe('user');
      expect((await get('/api/threads/1', outside)).engine).toBe('legacy');
    }
  });

  it('obeys a rollback on the very next request, and a resume restores the percentage', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    const token = await signToken('bob');
    expect((await get('/api/threads/1', token)).engine).toBe('user');
    const rolled = await t.proxy.admin('POST', '/admin/rollback', { reason: 'errors on user engine' });
    expect(rolled.body.rollback).toMatchObject({
      engaged: true,
      trigger: 'manual',
      reason: 'errors on user engine',
    });
    expect((await get('/api/threads/1', token)).engine).toBe('legacy');
    const resumed = await t.proxy.admin('POST', '/admin/resume', {});
    expect(resumed.body.rollout.percent).toBe(100);
    expect((await get('/api/threads/1', token)).engine).toBe('user');
  });

  it('forwards method, path, query and a streamed body unchanged, with x-forwarded-* and a request id', async () => {
    const token = await signToken('carol');
    const big = 'x'.repeat(3 * 1024 * 1024);
    const res = await fetch(`${t.proxy.url}/api/threads?x=1&y=2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: big,
    });
    expect(res.status).toBe(200);
    expect((await res.json()).bodyBytes).toBe(big.length);
    const seen = t.legacy.received.at(-1)!;
    expect(seen.url).toBe('/api/threads?x=1&y=2');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
    expect(res.headers.get('x-request-id')).toBe(seen.headers['x-request-id']);
  });

  it('strips headers that the backend treats as identity or as an auth bypass', async () => {
    await get('/api/threads/1', await signToken('dave'), {
      'x-test-user': 'mallory',
      'x-e2e-bypass': '1',
      'x-user-id': 'mallory',
      'x-switchyard-shadow': '1',
      'x-keep-me': 'yes',
    });
    const headers = t.legacy.received.at(-1)!.headers;
    expect(Object.keys(headers)).not.toEqual(expect.arrayContaining(['x-test-user']));
    expect(headers['x-e2e-bypass']).toBeUndefined();
    expect(headers['x-user-id']).toBeUndefined();
    expect(headers['x-switchyard-shadow']).toBeUndefined();
    expect(headers['x-keep-me']).toBe('yes');
  });

  it.each([
    ['no token', null, 'missing'],
    ['a malformed token', 'not.a.jwt', 'invalid'],
  ])('answers 401 JSON for %s and forwards nothing', async (_name, token, code) => {
    const r = await get('/api/threads/1', token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe(code);
    expect(t.legacy.received).toHaveLength(0);
  });

  it('refuses an expired token, a token signed with another secret and alg none', async () => {
    const expired = await signToken('erin', { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    const forged = await signToken('erin', { secret: 'another-secret-that-is-32-bytes-long!!' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'erin', exp: 9999999999 })).toString('base64url');
    for (const token of [expired, forged, `${header}.${payload}.`]) {
      expect((await get('/api/threads/1', token)).status).toBe(401);
    }
    expect((await get('/api/threads/1', expired)).body.error.code).toBe('expired');
  });

  it('refuses with 403 a user_id in the query or JSON body that is not the token user', async () => {
    const token = await signToken('frank');
    expect((await get('/api/threads/1?user_id=grace', token)).status).toBe(403);
    expect((await get('/api/threads/1?user_id=frank', token)).status).toBe(200);
    const post = (body: string) =>
      fetch(`${t.proxy.url}/api/agent/run_agent`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
    expect((await post(JSON.stringify({ user_id: 'grace', query: 'q' }))).status).toBe(403);
    expect((await post('{not json')).status).toBe(400);
    const ok = await post(JSON.stringify({ user_id: 'frank', query: 'q' }));
    expect(ok.status).toBe(200);
    expect(t.legacy.received.at(-1)!.body).toBe(JSON.stringify({ user_id: 'frank', query: 'q' }));
  });

  it('sends requests without a token to legacy when anonymous traffic is allowed, but still refuses a bad token', async () => {
    const open = await startProxy({
      legacyUrl: t.legacy.url,
      userUrl: t.user.url,
      config: { identity: { allowAnonymous: true } },
    });
    try {
      await open.admin('PUT', '/admin/rollout', { percent: 100 });
      const anon = await fetch(`${open.url}/api/threads/1`);
      expect(anon.status).toBe(200);
      expect(anon.headers.get('x-switchyard-engine')).toBe('legacy');
      expect(
        (await fetch(`${open.url}/api/threads/1`, { headers: { authorization: 'Bearer bad.token.x' } }))
          .status,
      ).toBe(401);
      const metrics = await (await fetch(`${open.opsUrl}/metrics`)).text();
      expect(metrics).toMatch(/switchyard_routing_decisions_total\{engine="legacy",reason="anonymous"\} 1/);
    } finally {
      await open.stop();
    }
  });

  it('answers 502 naming the engine when the engine refuses, and keeps serving the other users', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 30 });
    await t.user.close();
    const down = await get('/api/threads/1', await signToken(userIn(30, true)));
    expect(down.status).toBe(502);
    expect(down.body.error).toMatchObject({
      code: 'upstream_refused',
      message: expect.stringContaining('user engine'),
    });
    expect((await get('/api/threads/1', await signToken(userIn(30, false)))).status).toBe(200);
    t.user = await startEchoUpstream('user');
  });

  it('answers 504 when the engine does not answer in time', async () => {
    t.legacy.mode = 'hang';
    const r = await get('/api/threads/1', await signToken('henry'));
    expect(r.status).toBe(504);
    expect(r.body.error.code).toBe('upstream_timeout');
  }, 10_000);

  it('logs one line per request with engine and reason and never the token', async () => {
    const token = await signToken('ivy');
    await get('/api/threads/1', token);
    await get('/api/threads/1', 'bad.token.value');
    const lines = t.proxy.logs.join('');
    expect(lines).toContain('"engine":"legacy"');
    expect(lines).toContain('"reason":"not-in-rollout"');
    expect(lines).not.toContain(token);
    expect(lines).not.toContain('bad.token.value');
  });

  it('retries once on a fresh socket when the engine drops a reused keep-alive socket', async () => {
    // An engine that drops every connection at its second request, as one closing an idle
    // keep-alive socket does at the moment the proxy reuses it.
    const perSocket = new WeakMap<object, number>();
    const dropping = createServer((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n >= 2) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"engine":"legacy"}');
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const dropProxy = await startProxy({
      legacyUrl: `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`,
      userUrl: t.user.url,
    });
    const token = await signToken('jack');
    const call = () =>
      fetch(`${dropProxy.url}/api/threads/1`, { headers: { authorization: `Bearer ${token}` } });
    try {
      for (let i = 0; i < 4; i++) expect((await call()).status).toBe(200);
    } finally {
      await dropProxy.stop();
      dropping.closeAllConnections();
      dropping.close();
    }
  });
});
