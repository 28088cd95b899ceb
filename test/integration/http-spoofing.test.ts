import { request } from 'node:http';
import { useEchoProxy } from '../support/echo-proxy-fixture.js';
import { signToken } from '../support/tokens.js';

/**
 * Every way found to slip another user's id past the proxy (issue 17, item 4), sent byte for byte
 * (node:http keeps the request target as written; fetch would normalise it) through the real
 * proxy to a recording engine. The engine must never see `bob` while `alice` is signed in, and
 * alice's own requests in the same shapes must still reach it.
 */
const t = useEchoProxy();
let alice: string;

beforeAll(async () => {
  alice = await signToken('alice');
});

interface Sent {
  status: number;
  body: string;
}

function send(
  method: string,
  target: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<Sent> {
  const { port } = new URL(t.proxy.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: target,
        headers: {
          authorization: `Bearer ${alice}`,
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Everything the engines received, decoded the way the backend decodes it. */
function engineSaw(): string {
  return [...t.legacy.received, ...t.user.received]
    .map((r) => {
      const q = r.url.indexOf('?');
      const query = q === -1 ? '' : [...new URLSearchParams(r.url.slice(q + 1))].flat().join(' ');
      return `${decodeURIComponent(r.url)} ${query} ${r.body} ${JSON.stringify(r.headers)}`;
    })
    .join('\n');
}

const bobBody = (extra = '') => `{"user_id":"bob","query":"q"${extra}}`;
const aliceBody = '{"user_id":"alice","query":"q"}';

describe('spoofed user ids never reach the engine', () => {
  it.each([
    ['?user%5Fid=bob', 'POST', '/api/agent/v2/execute?user%5Fid=bob', undefined],
    ['?%75ser_id=bob', 'POST', '/api/agent/v2/execute?%75ser_id=bob', undefined],
    ['?user_id=alice&user_id=bob', 'POST', '/api/agent/message?user_id=alice&user_id=bob', undefined],
    ['?userId=bob', 'GET', '/api/threads/t1?userId=bob', undefined],
    ['/api/agent/run%5Fagent with a body for bob', 'POST', '/api/agent/run%5Fagent', bobBody()],
    ['/api/agent/%762/execute?user_id=bob', 'POST', '/api/agent/%762/execute?user_id=bob', '{}'],
    ['a trailing slash', 'POST', '/api/agent/run_agent/', bobBody()],
    ['repeated slashes', 'POST', '//api//agent//run_agent', bobBody()],
    ['a dot segment', 'POST', '/api/agent/./run_agent', bobBody()],
    ['a dot-dot segment', 'POST', '/api/threads/../agent/run_agent', bobBody()],
    ['absolute-form', 'POST', 'http://engine.example/api/agent/run_agent', bobBody()],
    ['an escaped key', 'POST', '/api/agent/run_agent', '{"user\\u005fid":"bob"}'],
    ['a camelCase key', 'POST', '/api/agent/message', '{"userId":"bob","message":"m"}'],
    ['a duplicate key, bob last', 'POST', '/api/agent/run_agent', '{"user_id":"alice","user_id":"bob"}'],
    ['a duplicate key, bob first', 'POST', '/api/agent/run_agent', '{"user_id":"bob","user_id":"alice"}'],
  ])('refuses %s with 403', async (_what, method, target, body) => {
    const res = await send(method, target, body === undefined ? {} : { body });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('user_id_mismatch');
    expect(engineSaw()).not.toContain('bob');
  });

  it.each([
    ['application/JSON; charset=utf-8', 'application/JSON; charset=utf-8'],
    ['text/plain', 'text/plain'],
    ['no content type', ''],
    ['form-encoded', 'application/x-www-form-urlencoded'],
  ])('reads a JSON body sent as %s, and refuses bob in it', async (_what, type) => {
    const res = await send('POST', '/api/agent/run_agent', {
      body: bobBody(),
      headers: { 'content-type': type },
    });
    expect(res.status).toBe(403);
    const own = await send('POST', '/api/agent/run_agent', {
      body: aliceBody,
      headers: { 'content-type': type },
    });
    expect(own.status).toBe(200);
    expect(engineSaw()).not.toContain('bob');
  });

  it('refuses with 400 a body on a user id route that is not JSON (a lenient parser might read an id in it)', async () => {
    for (const body of ['user_id=bob', '{"user_id":"bob","n":NaN}', '{"user_id":"alice"']) {
      const res = await send('POST', '/api/agent/run_agent', {
        body,
        headers: { 'content-type': 'text/plain' },
      });
      expect(res.status).toBe(400);
    }
    expect(engineSaw()).not.toContain('bob');
  });

  it.each([
    ['an encoded slash', '/api/agent%2Frun_agent?user_id=bob'],
    ['an encoded percent', '/api/agent/run%255Fagent?user_id=bob'],
    ['an encoded backslash', '/api/agent/run_agent%5C?user_id=bob'],
    ['an encoded NUL', '/api/agent/run_agent%00?user_id=bob'],
    ['a malformed escape', '/api/agent/run%G5agent?user_id=bob'],
    ['an asterisk target', '*'],
  ])('refuses %s with 400 and forwards nothing', async (_what, target) => {
    const res = await send('POST', target, { body: bobBody() });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('bad_target');
    expect(t.legacy.received).toHaveLength(0);
  });

  it('forwards alice her own requests in every one of those shapes, on the canonical path', async () => {
    const cases: Array<[string, string, string | undefined, string]> = [
      ['POST', '/api/agent/v2/execute?user%5Fid=alice', '{}', '/api/agent/v2/execute?user%5Fid=alice'],
      [
        'POST',
        '/api/agent/message?user_id=alice&%75ser_id=alice',
        '{}',
        '/api/agent/message?user_id=alice&%75ser_id=alice',
      ],
      ['POST', '/api/agent/run%5Fagent', aliceBody, '/api/agent/run_agent'],
      ['POST', '/api/agent/%762/execute?user_id=alice', aliceBody, '/api/agent/v2/execute?user_id=alice'],
      ['POST', '/api/agent/run_agent/', aliceBody, '/api/agent/run_agent/'],
      ['POST', '//api//agent//run_agent', aliceBody, '/api/agent/run_agent'],
      ['POST', '/api/agent/./run_agent', aliceBody, '/api/agent/run_agent'],
      ['POST', 'http://engine.example/api/agent/run_agent', aliceBody, '/api/agent/run_agent'],
      ['POST', '/api/agent/run_agent', '{"user_id":"alice","user_id":"alice"}', '/api/agent/run_agent'],
      [
        'POST',
        '/api/agent/run_agent',
        '{"user\\u005fid":"alice","context":{"user_id":"x"}}',
        '/api/agent/run_agent',
      ],
    ];
    for (const [method, target, body, forwarded] of cases) {
      const res = await send(method, target, body === undefined ? {} : { body });
      expect({ target, status: res.status }).toEqual({ target, status: 200 });
      const got = t.legacy.received.at(-1)!;
      expect(got.url).toBe(forwarded);
      expect(got.body).toBe(body ?? '');
    }
  });

  it('never forwards an identity header; user-agent and ordinary headers pass', async () => {
    const identity = [
      'x-remote-user',
      'remote-user',
      'x-auth-request-user',
      'x-auth-request-email',
      'x-forwarded-email',
      'x-forwarded-user',
      'x-original-user',
      'x-userid',
      'x-user-id',
      'x-impersonate-user',
      'impersonate-user',
      'x-user-email',
      'x-switchyard-shadow',
      'x-e2e-auth',
      'x-test-user',
    ];
    const headers: Record<string, string> = { 'user-agent': 'web-client/1.0', 'x-keep-me': 'yes' };
    for (const name of identity) headers[name] = 'bob';
    const res = await send('GET', '/api/threads/t1', { headers });
    expect(res.status).toBe(200);
    const got = t.legacy.received.at(-1)!.headers;
    for (const name of identity) expect(got[name]).toBeUndefined();
    expect(got['user-agent']).toBe('web-client/1.0');
    expect(got['x-keep-me']).toBe('yes');
    expect(engineSaw()).not.toContain('bob');
  });
});
