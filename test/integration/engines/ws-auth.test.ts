import type { EngineKind } from '../../../engines/index.js';
import { WS_PATHS } from '../../../engines/index.js';
import { Harness, http, token, type Connect } from './helpers.js';

const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe.each<EngineKind>(['legacy', 'user'])('signing in to the %s engine over WebSocket', (kind) => {
  const harness = new Harness();
  afterEach(() => harness.close());

  const places: Array<[string, (jwt: string) => Connect]> = [
    ['an Authorization header', (jwt) => ({ headers: { authorization: `Bearer ${jwt}` } })],
    ['a jwt.<base64url> subprotocol', (jwt) => ({ protocols: ['jwt-auth', `jwt.${b64url(jwt)}`] })],
    ['a raw jwt.<jwt> subprotocol', (jwt) => ({ protocols: ['jwt-auth', `jwt.${jwt}`] })],
    ['a ?token= query parameter', (jwt) => ({ path: `/ws?token=${jwt}` })],
  ];

  it.each(places)('welcomes a user who signs in with %s', async (_place, connect) => {
    const engine = await harness.engine(kind);
    const client = await harness.connect(engine, connect(await token('alice')));
    expect(client.frames[0]).toMatchObject({
      type: 'system_message',
      data: { event: 'connection_established', connection_ready: true, user_id: 'alice', engine: kind },
    });
    expect(typeof client.frames[0].timestamp).toBe('number');
    expect(typeof client.frames[0].server_id).toBe('string');
    expect(typeof client.frames[0].correlation_id).toBe('string');
    expect(engine.openSockets()).toBe(1);
  });

  it.each([...WS_PATHS])('accepts sign-ins on %s', async (path) => {
    const engine = await harness.engine(kind);
    const client = await harness.connect(engine, { path: `${path}?token=${await token('alice')}` });
    expect(client.frames[0].data.user_id).toBe('alice');
  });

  it('takes the header before the subprotocol and the query, as the backend does', async () => {
    const engine = await harness.engine(kind);
    const client = await harness.connect(engine, {
      path: `/ws?token=${await token('carol')}`,
      protocols: ['jwt-auth', `jwt.${b64url(await token('bob'))}`],
      headers: { authorization: `Bearer ${await token('alice')}` },
    });
    expect(client.frames[0].data.user_id).toBe('alice');
  });

  it('accepts a ticket once and refuses its second use with AUTH_FAILED and 1008', async () => {
    const engine = await harness.engine(kind);
    const issued = await http(engine, 'POST', '/api/websocket/ticket', {
      jwt: await token('alice'),
      body: { ttl_seconds: 60, single_use: true, permissions: [] },
    });
    const path = `/ws?ticket=${issued.body.ticket_id}`;
    const first = await harness.connect(engine, { path });
    expect(first.frames[0].data.user_id).toBe('alice');
    expect(first.ws.protocol).toBe('');
    const second = await harness.connect(engine, { path });
    expect(second.frames[0]).toMatchObject({ type: 'error_message', error_code: 'AUTH_FAILED' });
    expect((await second.closed).code).toBe(1008);
  });

  it('accepts a ticket issued by the other engine, since both share the ticket store', async () => {
    const engine = await harness.engine(kind);
    const other = await harness.engine(kind === 'legacy' ? 'user' : 'legacy');
    const issued = await http(other, 'POST', '/api/websocket/ticket', {
      jwt: await token('alice'),
      body: {},
    });
    const client = await harness.connect(engine, { path: `/ws?ticket=${issued.body.ticket_id}` });
    expect(client.frames[0].data.user_id).toBe('alice');
    expect(harness.tickets.size()).toBe(0);
  });

  const refusals: Array<[string, () => Promise<Connect>]> = [
    ['no credential', () => Promise.resolve({})],
    [
      'a token signed with another secret',
      async () => ({ path: `/ws?token=${await token('a', 'x'.repeat(40))}` }),
    ],
    ['a malformed header token', () => Promise.resolve({ headers: { authorization: 'Bearer not-a-jwt' } })],
    ['a garbled subprotocol token', () => Promise.resolve({ protocols: ['jwt-auth', 'jwt.Z2FyYmFnZQ'] })],
    ['an unknown ticket', () => Promise.resolve({ path: '/ws?ticket=nope' })],
  ];

  it.each(refusals)('accepts, then sends AUTH_FAILED and closes 1008 on %s', async (_what, connect) => {
    const engine = await harness.engine(kind);
    const client = await harness.connect(engine, await connect());
    expect(client.frames[0]).toEqual(
      expect.objectContaining({
        type: 'error_message',
        error_code: 'AUTH_FAILED',
        error_message: expect.any(String),
        details: {},
        recovery_suggestions: [],
      }),
    );
    expect((await client.closed).code).toBe(1008);
    expect(client.frames).toHaveLength(1);
  });

  it('echoes jwt-auth by default', async () => {
    const engine = await harness.engine(kind);
    const client = await harness.connect(engine, {
      protocols: ['jwt-auth', `jwt.${b64url(await token('alice'))}`],
    });
    expect(client.ws.protocol).toBe('jwt-auth');
  });

  it('echoes the exact jwt.<...> entry offered when echoSubprotocol is exact', async () => {
    const engine = await harness.engine(kind, { echoSubprotocol: 'exact' });
    const entry = `jwt.${b64url(await token('alice'))}`;
    const client = await harness.connect(engine, { protocols: ['jwt-auth', entry] });
    expect(client.ws.protocol).toBe(entry);
  });

  it('echoes nothing when echoSubprotocol is none, which a ws client offering subprotocols refuses', async () => {
    const engine = await harness.engine(kind, { echoSubprotocol: 'none' });
    const client = harness.open(engine, { protocols: ['jwt-auth', `jwt.${b64url(await token('alice'))}`] });
    const error = await new Promise<Error>((resolve) => client.ws.once('error', resolve));
    expect(error.message).toBe('Server sent no subprotocol');
  });

  it('echoes no subprotocol to a client that offered none', async () => {
    const engine = await harness.engine(kind);
    const client = await harness.connect(engine, { path: `/ws?token=${await token('alice')}` });
    expect(client.ws.protocol).toBe('');
  });

  it('refuses upgrades with HTTP 503 while refuseWebSocket is set, and records the attempt', async () => {
    const engine = await harness.engine(kind, { refuseWebSocket: true });
    const client = harness.open(engine, { path: `/ws?token=${await token('alice')}` });
    const status = await new Promise<number>((resolve) =>
      client.ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(503);
    expect(engine.handshakes).toHaveLength(1);
    engine.faults.refuseWebSocket = false;
    const later = await harness.connect(engine, { path: `/ws?token=${await token('alice')}` });
    expect(later.frames[0].type).toBe('system_message');
  });

  it('refuses an upgrade on an unknown path with HTTP 404', async () => {
    const engine = await harness.engine(kind);
    const client = harness.open(engine, { path: '/nope' });
    const error = await new Promise<Error>((resolve) => client.ws.once('error', resolve));
    expect(error.message).toBe('Unexpected server response: 404');
  });

  it('records each handshake with its path and headers, shadow mark included', async () => {
    const engine = await harness.engine(kind);
    await harness.connect(engine, {
      path: `/ws/isolated?token=${await token('alice')}`,
      headers: { 'x-switchyard-shadow': '1' },
    });
    expect(engine.handshakes).toHaveLength(1);
    expect(engine.handshakes[0]!.path).toMatch(/^\/ws\/isolated\?token=/);
    expect(engine.handshakes[0]!.headers['x-switchyard-shadow']).toBe('1');
  });
});
