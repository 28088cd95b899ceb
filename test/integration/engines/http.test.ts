import type { EngineKind } from '../../../engines/index.js';
import { Harness, http, token } from './helpers.js';

const API_ROUTES: Array<[string, string, unknown]> = [
  ['POST', '/api/agent/v2/execute', { message: 'hi', agent_type: 'data', context: {} }],
  ['POST', '/api/agent/run_agent', { user_id: 'alice', query: 'q', workloads: [] }],
  ['POST', '/api/agent/message', { message: 'hi' }],
  ['POST', '/api/agents/execute', { type: 'triage', message: 'hi', context: {} }],
  ['POST', '/api/threads', { title: 'T' }],
  ['POST', '/api/websocket/ticket', { ttl_seconds: 60, single_use: true, permissions: [] }],
];
const VOLATILE = ['run_id', 'thread_id', 'created_at', 'execution_time', 'timestamp', 'request_id'];

describe.each<EngineKind>(['legacy', 'user'])('the %s engine over HTTP', (kind) => {
  const harness = new Harness();
  afterEach(() => harness.close());

  it.each(API_ROUTES)(
    'answers %s %s for the token user, stamped with its identity',
    async (method, path, body) => {
      const engine = await harness.engine(kind);
      const reply = await http(engine, method, path, { jwt: await token('alice'), body });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('x-engine')).toBe(kind);
      expect(reply.body).toMatchObject({ engine: kind, user_id: 'alice' });
      expect(typeof reply.body.request_id).toBe('string');
      expect(typeof reply.body.timestamp).toBe('string');
    },
  );

  it.each(API_ROUTES)('refuses %s %s with 401 JSON without a valid token', async (method, path, body) => {
    const engine = await harness.engine(kind);
    const missing = await http(engine, method, path, { body });
    const forged = await http(engine, method, path, {
      jwt: await token('alice', 'another-secret-of-at-least-32-bytes!!'),
      body,
    });
    for (const reply of [missing, forged]) {
      expect(reply.status).toBe(401);
      expect(reply.headers.get('x-engine')).toBe(kind);
      expect(reply.body).toMatchObject({ engine: kind, error_code: 'AUTH_FAILED' });
    }
  });

  it('serves /health without a token', async () => {
    const engine = await harness.engine(kind);
    const reply = await http(engine, 'GET', '/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'healthy', engine: kind });
  });

  it('answers an unknown path with 404 JSON, token or not', async () => {
    const engine = await harness.engine(kind);
    for (const jwt of [undefined, await token('alice')]) {
      const reply = await http(engine, 'GET', '/api/nope', jwt === undefined ? {} : { jwt });
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ engine: kind, error_code: 'NOT_FOUND' });
    }
  });

  it('gives fresh volatile fields on every call and the same everything else', async () => {
    const engine = await harness.engine(kind);
    const jwt = await token('alice');
    const call = () =>
      http(engine, 'POST', '/api/agent/message', { jwt, body: { message: 'costs?', thread_id: 't1' } });
    const [first, second] = [await call(), await call()];
    expect(first.body.run_id).not.toBe(second.body.run_id);
    expect(first.body.request_id).not.toBe(second.body.request_id);
    const stable = (body: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(body).filter(([key]) => !VOLATILE.includes(key)));
    expect(stable(first.body)).toEqual(stable(second.body));
    expect(first.body.thread_id).toBe('t1');
  });

  it('echoes the token user even when the body or query names another', async () => {
    const engine = await harness.engine(kind);
    const reply = await http(engine, 'POST', '/api/agent/run_agent?user_id=mallory', {
      jwt: await token('alice'),
      body: { user_id: 'mallory', query: 'q', workloads: [] },
    });
    expect(reply.body.user_id).toBe('alice');
  });

  it('shows a created thread to its owner only', async () => {
    const engine = await harness.engine(kind);
    const created = await http(engine, 'POST', '/api/threads', {
      jwt: await token('alice'),
      body: { title: 'Costs' },
    });
    expect(created.body).toMatchObject({ object: 'thread', title: 'Costs' });
    const path = `/api/threads/${created.body.id}`;
    const mine = await http(engine, 'GET', path, { jwt: await token('alice') });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: created.body.id, title: 'Costs', engine: kind });
    expect((await http(engine, 'GET', path, { jwt: await token('bob') })).status).toBe(404);
  });

  it('refuses a body that is not a JSON object with 422', async () => {
    const engine = await harness.engine(kind);
    const reply = await http(engine, 'POST', '/api/threads', { jwt: await token('alice'), body: '[1,2' });
    expect(reply.status).toBe(422);
  });

  it('issues a ticket with its TTL held within 30..3600 s and a websocket_url to /ws', async () => {
    const engine = await harness.engine(kind);
    const jwt = await token('alice');
    const reply = await http(engine, 'POST', '/api/websocket/ticket', {
      jwt,
      body: { ttl_seconds: 5, single_use: true },
    });
    expect(reply.body).toMatchObject({ ttl_seconds: 30, single_use: true });
    expect(Date.parse(reply.body.expires_at) - Date.parse(reply.body.created_at)).toBe(30_000);
    expect(reply.body.websocket_url).toBe(
      `ws://127.0.0.1:${engine.port}/ws?ticket=${encodeURIComponent(reply.body.ticket_id)}`,
    );
    expect(harness.tickets.size()).toBe(1);
  });

  it('records what it received: method, path with query, headers and body', async () => {
    const engine = await harness.engine(kind);
    await http(engine, 'POST', '/api/threads?x=1', {
      jwt: await token('alice'),
      body: { title: 'T' },
      headers: { 'x-switchyard-shadow': '1' },
    });
    expect(engine.requests).toHaveLength(1);
    expect(engine.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/threads?x=1',
      body: '{"title":"T"}',
    });
    expect(engine.requests[0]!.headers['x-switchyard-shadow']).toBe('1');
  });

  it('keeps only the last 500 requests', async () => {
    const engine = await harness.engine(kind);
    for (let i = 0; i < 505; i++) await http(engine, 'GET', `/health?i=${i}`);
    expect(engine.requests).toHaveLength(500);
    expect(engine.requests[0]!.path).toBe('/health?i=5');
  });

  it('answers every API request 500 while httpFailRate is 1, and recovers when it is reset', async () => {
    const engine = await harness.engine(kind, { httpFailRate: 1 });
    const jwt = await token('alice');
    for (const [method, path, body] of API_ROUTES) {
      const reply = await http(engine, method, path, { jwt, body });
      expect(reply.status).toBe(500);
      expect(reply.body).toMatchObject({ engine: kind, error_code: 'INJECTED_FAILURE' });
    }
    expect((await http(engine, 'GET', '/health')).status).toBe(200);
    engine.faults.httpFailRate = 0;
    expect((await http(engine, 'POST', '/api/threads', { jwt, body: {} })).status).toBe(200);
  });
});
