import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { startEchoUpstream } from '../support/echo-upstream.js';
import { startHashingEngine, type HashingEngine } from '../support/hashing-engine.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';

/**
 * Issue 18 item 4: a body on a route that carries a user id is streamed to the engine, however
 * large, while the proxy checks its top-level user_id; a foreign one aborts the engine request
 * before it is complete. Proxy, engine and client share this process and none keeps a body, so
 * the RSS growth measured here bounds the proxy's.
 */
const MiB = 1024 * 1024;
let legacy: HashingEngine;
let user: HashingEngine;
let proxy: ProxyUnderTest;
let alice: string;

beforeAll(async () => {
  alice = await signToken('alice');
  legacy = await startHashingEngine();
  user = await startHashingEngine();
  proxy = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    config: { engines: { legacy: { url: legacy.url }, user: { url: user.url }, timeoutMs: 120_000 } },
  });
});

afterAll(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

/** `{"message":"xxx…","user_id":"<id>"}`, `size` bytes, generated as it is sent. */
function jsonBody(size: number, userId: string, chunked = false) {
  const head = Buffer.from('{"message":"');
  const tail = Buffer.from(`","user_id":"${userId}"}`);
  const filler = Buffer.alloc(64 * 1024, 'x');
  let left = size - head.length - tail.length;
  const hash = createHash('sha256');
  function* chunks(): Generator<Buffer> {
    for (const part of [head]) yield part;
    while (left > 0) {
      const piece = left >= filler.length ? filler : filler.subarray(0, left);
      left -= piece.length;
      yield piece;
    }
    yield tail;
  }
  const stream = Readable.from(
    (function* () {
      for (const c of chunks()) {
        hash.update(c);
        yield c;
      }
    })(),
    { objectMode: false },
  );
  return { stream, size, chunked, sha256: () => hash.digest('hex') };
}

function post(path: string, body: ReturnType<typeof jsonBody>): Promise<{ status: number; text: string }> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: {
          authorization: `Bearer ${alice}`,
          'content-type': 'application/json',
          ...(!body.chunked && { 'content-length': String(body.size) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    body.stream.pipe(req);
  });
}

describe('large bodies on user id routes', () => {
  it('forwards a 1 MiB message with the caller own user_id intact (was 413)', async () => {
    const body = jsonBody(MiB, 'alice');
    const engineSaw = legacy.next();
    const res = await post('/api/agent/message', body);
    expect(res.status).toBe(200);
    const seen = await engineSaw;
    expect(seen).toMatchObject({ complete: true, bytes: MiB, sha256: body.sha256() });
  });

  it('forwards a chunked body of unknown length the same way', async () => {
    const body = jsonBody(2 * MiB, 'alice', true);
    const res = await post('/api/agent/run_agent', body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ bytes: 2 * MiB, sha256: body.sha256() });
  });

  it('answers 403 to 64 MiB with a foreign user_id at the end; the engine saw an aborted request only', async () => {
    const before = legacy.seen.length;
    const engineSaw = legacy.next(); // the only request in flight
    const res = await post('/api/agent/message', jsonBody(64 * MiB, 'bob'));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).error.code).toBe('user_id_mismatch');
    const seen = await engineSaw;
    expect(seen.complete).toBe(false);
    expect(seen.bytes).toBeGreaterThan(60 * MiB); // streamed, not held
    expect(seen.bytes).toBeLessThan(64 * MiB);
    await expectOnlyAbortedSince(before);
  }, 120_000);

  it('answers 403 to a foreign user_id at the start before the body is in, and the engine gets no complete request', async () => {
    const before = legacy.seen.length;
    const body = jsonBody(8 * MiB, 'alice');
    const foreignFirst = Readable.from(
      (async function* () {
        yield Buffer.from('{"user_id":"bob",');
        for await (const c of body.stream) yield c as Buffer;
      })(),
    );
    const res = await post('/api/agent/message', { ...body, size: 8 * MiB + 17, stream: foreignFirst });
    expect(res.status).toBe(403);
    await expectOnlyAbortedSince(before);
  }, 120_000);
});

/** Since `before`, the only complete request the engine saw is one sent now, after the refusal. */
async function expectOnlyAbortedSince(before: number): Promise<void> {
  const res = await post('/api/agent/message', jsonBody(1024, 'alice'));
  expect(res.status).toBe(200);
  const complete = legacy.seen.slice(before).filter((s) => s.complete);
  expect(complete.map((s) => s.bytes)).toEqual([1024]);
}

describe('a streamed user id body on a shadow-safe route', () => {
  it('is still shadowed when under the shadow body limit, and never when refused', async () => {
    const control = await startEchoUpstream('legacy');
    const candidate = await startEchoUpstream('user');
    const shadowed = await startProxy({
      legacyUrl: control.url,
      userUrl: candidate.url,
      config: {
        routes: [{ name: 'notes', method: 'POST', path: '/api/notes', shadowSafe: true, userIdIn: 'body' }],
      },
    });
    try {
      expect((await shadowed.admin('PUT', '/admin/shadow', { percent: 100 })).status).toBe(200);
      const send = (userId: string) => {
        const text = `{"user_id":"${userId}","note":"${'n'.repeat(512 * 1024)}"}`;
        return fetch(`${shadowed.url}/api/notes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
          body: text,
        }).then(async (res) => ({ status: res.status, text, body: await res.text() }));
      };
      const refused = await send('bob');
      expect(refused.status).toBe(403);
      const own = await send('alice');
      expect(own.status).toBe(200);
      expect(control.received.at(-1)!.body).toBe(own.text);
      await until(() => candidate.received.length > 0);
      expect(candidate.received.map((r) => r.body)).toEqual([own.text]);
      expect(control.received.every((r) => !r.body.includes('"bob"'))).toBe(true);
    } finally {
      await shadowed.stop();
      await Promise.all([control.close(), candidate.close()]);
    }
  });
});

/** Polls a condition every 10 ms for up to 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
