import { randomUUID } from 'node:crypto';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { startJsonStub, type JsonStub, type StubAnswer, type StubRequest } from './json-stub.js';
import { comparisons, dropped, metric, sleep, untilMetric } from './rig.js';

let legacy: JsonStub;
let user: JsonStub;
let proxy: ProxyUnderTest;

const ROUTES = [
  { name: 'threads_read', method: 'GET', path: '/api/threads/*', shadowSafe: true, userIdIn: 'query' },
  { name: 'report', method: 'POST', path: '/api/report', shadowSafe: true, userIdIn: 'none' },
  {
    name: 'agents_execute',
    method: 'POST',
    path: '/api/agents/execute',
    shadowSafe: false,
    userIdIn: 'query',
  },
];

/** A thread as an engine answers it: fixed content plus fresh volatile fields. */
function thread(req: StubRequest, extra: Record<string, unknown> = {}): StubAnswer {
  return {
    body: {
      id: req.url.split('/').pop(),
      title: 'Costs',
      created_at: new Date().toISOString(),
      request_id: randomUUID(),
      run_id: `run_${randomUUID()}`,
      messages: [{ role: 'user', timestamp: Date.now() + Math.random() }],
      ...extra,
    },
  };
}

async function start(shadow: Record<string, unknown> = {}, answerUser = thread): Promise<void> {
  legacy = await startJsonStub((req) => thread(req));
  user = await startJsonStub(answerUser);
  proxy = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    config: { routes: ROUTES, shadow: { logSampleRate: 1, ...shadow } },
  });
  await proxy.admin('PUT', '/admin/shadow', { percent: 100 });
}

afterEach(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

/** A chunked request body sent in two parts, 20 ms apart. */
function twoChunks(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const half = Math.floor(bytes.length / 2);
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(bytes.slice(0, half));
      await sleep(20);
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
}

async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const jwt = await signToken('hugo');
  const startedAt = performance.now();
  const res = await fetch(`${proxy.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const json = await res.json();
  return { status: res.status, body: json, ms: performance.now() - startedAt };
}

describe('HTTP shadowing of shadow-safe routes', () => {
  it('re-sends a shadow-safe GET to the other engine after the primary, marked, and judges it ignoring volatile fields', async () => {
    await start();
    const res = await call('GET', '/api/threads/t-1?include=all');
    expect(res.status).toBe(200);
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', {});
    expect(await comparisons(proxy)).toMatchObject({ match: 1, mismatch: 0 });
    expect(legacy.requests).toHaveLength(1);
    expect(user.requests).toHaveLength(1);
    const copy = user.requests[0]!;
    expect(copy).toMatchObject({ method: 'GET', url: '/api/threads/t-1?include=all' });
    expect(copy.headers['x-switchyard-shadow']).toBe('1');
    expect(copy.headers.authorization).toBe(legacy.requests[0]!.headers.authorization);
    expect(copy.headers['x-request-id']).toBe(legacy.requests[0]!.headers['x-request-id']);
    expect(copy.at).toBeGreaterThanOrEqual(legacy.answeredAt[0]!);
    expect(legacy.requests[0]!.headers['x-switchyard-shadow']).toBeUndefined();
  });

  it('judges a difference in a compared field a mismatch, stored with the route and both statuses', async () => {
    await start({}, (req) => thread(req, { title: 'Kosten' }));
    await call('GET', '/api/threads/t-2');
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', { result: 'mismatch' });
    expect(await metric(proxy, 'switchyard_divergences_total', { kind: 'field' })).toBe(1);
    const { body } = await proxy.admin('GET', '/admin/divergences');
    expect(body.items[0]).toMatchObject({
      result: 'mismatch',
      kinds: ['field'],
      route: 'threads_read',
      details: { fields: ['title'] },
      control: { engine: 'legacy', status: 200, events: [] },
      candidate: { engine: 'user', status: 200, events: [] },
    });
    expect(JSON.stringify(body)).not.toContain('Kosten');
    const line = proxy.logs.find((l) => l.includes('shadow mismatch'));
    expect(JSON.parse(line!)).toMatchObject({ route: 'threads_read', kinds: ['field'], fields: ['title'] });
  });

  it('ignores the configured paths, for every route and per route', async () => {
    await start({ ignorePaths: ['title'], ignorePathsByRoute: { threads_read: ['extra.*'] } }, (req) =>
      thread(req, { title: 'Kosten', extra: { a: 1 } }),
    );
    legacy.answer = (req) => thread(req, { extra: { a: 2 } });
    await call('GET', '/api/threads/t-3');
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', {});
    expect(await comparisons(proxy)).toMatchObject({ match: 1, mismatch: 0 });
  });

  it('judges a different status a status mismatch', async () => {
    await start({}, () => ({ status: 404, body: { detail: 'Thread not found' } }));
    await call('GET', '/api/threads/t-4');
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', { result: 'mismatch' });
    expect(await metric(proxy, 'switchyard_divergences_total', { kind: 'status' })).toBe(1);
  });

  it('never delays the client for a hanging shadow engine, and counts the shadow as timed out', async () => {
    await start({ httpTimeoutMs: 2000 });
    for (let i = 0; i < 5; i++) await call('GET', `/api/threads/warm-${i}`);
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', {}, 5);
    user.answer = () => ({ hang: true });
    // Each client has its answer while every shadow so far still hangs: none waited for one.
    for (let i = 0; i < 5; i++) {
      expect((await call('GET', `/api/threads/hang-${i}`)).status).toBe(200);
      expect(await metric(proxy, 'switchyard_shadow_inflight', { kind: 'http' })).toBe(i + 1);
    }
    await untilMetric(proxy, 'switchyard_shadow_dropped_total', { reason: 'timeout' }, 5, 20_000);
    expect(await metric(proxy, 'switchyard_shadow_inflight', { kind: 'http' })).toBe(0);
  });

  it('never shadows a POST that is not shadow-safe', async () => {
    await start();
    const res = await call('POST', '/api/agents/execute', JSON.stringify({ type: 'triage', message: 'go' }));
    expect(res.status).toBe(200);
    // A shadow-safe read after it is shadowed and compared; a shadow of the POST would have
    // been sent first, when the POST was answered.
    await call('GET', '/api/threads/after');
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', {});
    expect(legacy.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(user.requests.map((r) => r.method)).toEqual(['GET']);
    expect(await comparisons(proxy)).toEqual({ match: 1, mismatch: 0, incomplete: 0, isolation: 0 });
    expect(await dropped(proxy)).toEqual({});
  });

  it('re-sends the body of a shadow-safe POST, and skips one over the body limit (counted)', async () => {
    await start({ httpBodyLimitBytes: 1024 });
    const small = JSON.stringify({ query: 'costs', n: 1 });
    await call('POST', '/api/report', small);
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', {});
    expect(user.requests[0]).toMatchObject({ method: 'POST', url: '/api/report', body: small });
    expect(user.requests[0]!.headers['content-length']).toBe(String(small.length));
    const large = JSON.stringify({ query: 'x'.repeat(4000) });
    const res = await call('POST', '/api/report', large);
    expect(res.status).toBe(200);
    expect(legacy.requests[1]!.body).toBe(large);
    await untilMetric(proxy, 'switchyard_shadow_dropped_total', { reason: 'body_too_large' });
    expect(user.requests).toHaveLength(1);
  });

  it('skips a response over the body limit (counted), and a streamed request body is teed whole', async () => {
    await start({ httpBodyLimitBytes: 2048 });
    legacy.answer = (req) => thread(req, { big: 'y'.repeat(4000) });
    await call('GET', '/api/threads/big');
    await untilMetric(proxy, 'switchyard_shadow_dropped_total', { reason: 'body_too_large' });
    legacy.answer = (req) => ({ body: { echo: req.body.length } });
    user.answer = (req) => ({ body: { echo: req.body.length } });
    const body = JSON.stringify({ query: 'z'.repeat(1500) });
    const jwt = await signToken('hugo');
    const res = await fetch(`${proxy.url}/api/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: twoChunks(body),
      duplex: 'half',
    } as RequestInit);
    expect(await res.json()).toEqual({ echo: body.length });
    await untilMetric(proxy, 'switchyard_shadow_comparisons_total', { result: 'match' });
    expect(user.requests.at(-1)!.body).toBe(body);
  });
});
