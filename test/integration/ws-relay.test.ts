import WebSocket from 'ws';
import type { RunningEngine } from '../../engines/index.js';
import { bucket } from '../../src/routing/bucket.js';
import { Harness, RUN_EVENTS, SECRET, TestClient, token, until } from './engines/helpers.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';

let h: Harness;
let legacy: RunningEngine;
let user: RunningEngine;
let proxy: ProxyUnderTest;
const sockets: WebSocket[] = [];

async function start(config: Record<string, unknown> = {}) {
  proxy = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    config: {
      jwt: { secret: SECRET },
      tickets: { secret: 'ticket-secret-for-tests-0123456789abcdef' },
      ...config,
    },
  });
}

beforeEach(async () => {
  h = new Harness();
  legacy = await h.engine('legacy');
  user = await h.engine('user');
  await start();
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await proxy.stop();
  await h.close();
});

async function blockedFrames(): Promise<number> {
  const metrics = await (await fetch(`${proxy.opsUrl}/metrics`)).text();
  const found = /switchyard_isolation_violations_total\{engine="legacy",action="block"\} (\d+)/.exec(metrics);
  return Number(found?.[1] ?? 0);
}

function open(path: string, protocols: string[] = [], headers: Record<string, string> = {}): TestClient {
  const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}${path}`, protocols, { headers });
  ws.on('error', () => undefined);
  sockets.push(ws);
  return new TestClient(ws);
}

async function connected(client: TestClient): Promise<TestClient> {
  await client.waitFor((f) => f.type === 'system_message' || f.type === 'connect');
  return client;
}

function userIn(percent: number, inside: boolean, prefix = 'ws'): string {
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    if (bucket('switchyard-rollout', id) <= percent === inside) return id;
  }
}

describe('WebSocket relay', () => {
  it('signs in from the Authorization header, the jwt subprotocol and ?token=, and echoes jwt-auth', async () => {
    const jwt = await token('alice');
    const viaHeader = await connected(open('/ws', [], { authorization: `Bearer ${jwt}` }));
    const viaProtocol = await connected(
      open('/ws', ['jwt-auth', `jwt.${Buffer.from(jwt).toString('base64url')}`]),
    );
    const viaQuery = await connected(open(`/ws?token=${jwt}`));
    expect(viaProtocol.ws.protocol).toBe('jwt-auth');
    expect(viaHeader.ws.protocol).toBe('');
    expect(viaQuery.frames[0].data.user_id).toBe('alice');
    expect(legacy.handshakes.at(-1)!.headers.authorization).toBe(`Bearer ${jwt}`);
  });

  it('closes a bad token with an error frame and 1008, and opens no engine socket', async () => {
    const before = legacy.handshakes.length + user.handshakes.length;
    const client = open('/ws?token=not-a-jwt');
    const frame = await client.waitFor(() => true);
    expect(frame).toMatchObject({ type: 'error_message', error_code: 'AUTH_FAILED' });
    expect((await client.closed).code).toBe(1008);
    const none = open('/ws');
    expect((await none.closed).code).toBe(1008);
    expect(legacy.handshakes.length + user.handshakes.length).toBe(before);
  });

  it('relays the ticket flow: the wrapped ticket signs in at any replica and the engine consumes the original', async () => {
    const jwt = await token('bob');
    const res = await fetch(`${proxy.url}/api/websocket/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ttl_seconds: 60, single_use: true, permissions: [] }),
    });
    const ticket = (await res.json()) as { ticket_id: string };
    expect(ticket.ticket_id).toMatch(/^sy2\./);
    const other = proxy;
    await start(); // a second replica with the same TICKET_SECRET
    const client = await connected(open(`/ws?ticket=${encodeURIComponent(ticket.ticket_id)}`));
    expect(client.ws.protocol).toBe('');
    expect(client.frames[0].data.user_id).toBe('bob');
    expect(legacy.handshakes.at(-1)!.path).not.toContain('sy2.');
    const reuse = open(`/ws?ticket=${encodeURIComponent(ticket.ticket_id)}`);
    expect((await reuse.closed).code).toBe(1008);
    await other.stop();
  });

  it('refuses a forged ticket with 1008 before any engine socket opens', async () => {
    const before = legacy.handshakes.length;
    const forged = open(
      `/ws?ticket=sy2.${Buffer.from('{"t":"x","u":"bob","e":9999999999}'.padEnd(64)).toString('base64url')}`,
    );
    expect((await forged.closed).code).toBe(1008);
    expect(legacy.handshakes.length).toBe(before);
  });

  it('relays text and binary frames byte for byte and runs in order', async () => {
    const client = await connected(open('/ws', [], { authorization: `Bearer ${await token('carol')}` }));
    const events = await client.run({ text: 'hello', thread_id: 'thread-carol-1' });
    expect(events.map((e) => e.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    client.ws.send(bytes);
    await until(() => client.binary.length > 0);
    expect(client.binary[0]).toEqual(bytes);
  });

  it('passes the engine close code and reason to the client', async () => {
    const client = await connected(open('/ws', [], { authorization: `Bearer ${await token('dave')}` }));
    client.send({ type: 'close_me', payload: { code: 4000, reason: 'bye' } });
    expect(await client.closed).toEqual({ code: 4000, reason: 'bye' });
  });

  it('closes the client with 1011 at once when the engine socket drops', async () => {
    const client = await connected(open('/ws', [], { authorization: `Bearer ${await token('erin')}` }));
    await legacy.close();
    expect((await client.closed).code).toBe(1011);
  });

  it('closes with 1013 when the engine refuses the connect as overloaded', async () => {
    legacy.faults.refuseWebSocket = true;
    const client = open('/ws', [], { authorization: `Bearer ${await token('frank')}` });
    expect((await client.closed).code).toBe(1013);
  });

  it('never delivers a frame of one user on another user socket through the leaking legacy engine', async () => {
    legacy.faults.envelope = 'emitter';
    const calibration = await connected(
      open('/ws', [], { authorization: `Bearer ${await token('leak-calibration')}` }),
    );
    const perRun = (await calibration.run({ text: 'go', thread_id: 'thread-calibration' })).length;
    legacy.faults.leak = true;
    const users = Array.from({ length: 10 }, (_, i) => `leak-user-${i}`);
    const clients = await Promise.all(
      users.map(async (u) => connected(open('/ws', [], { authorization: `Bearer ${await token(u)}` }))),
    );
    clients.forEach((c, i) =>
      c.send({ type: 'user_message', payload: { text: 'go', thread_id: `thread-${users[i]}` } }),
    );
    // Every frame of the ten runs is either delivered or blocked: once all are counted, no late
    // frame can still arrive, and the check below sees everything there will ever be.
    const delivered = () =>
      clients.reduce((n, c) => n + c.frames.filter((f) => RUN_EVENTS.has(f.type)).length, 0);
    for (const deadline = Date.now() + 10_000; delivered() + (await blockedFrames()) < 10 * perRun;) {
      if (Date.now() > deadline) throw new Error('the runs did not finish in time');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(delivered() + (await blockedFrames())).toBe(10 * perRun);
    clients.forEach((c, i) => {
      for (const f of c.frames) {
        const uid = f.data?.user_id ?? f.payload?.user_id ?? f.user_id;
        if (uid !== undefined) expect(uid).toBe(users[i]);
        const thread = f.data?.thread_id ?? f.thread_id;
        if (thread !== undefined) expect(thread).toBe(`thread-${users[i]}`);
      }
    });
    expect(await blockedFrames()).toBeGreaterThan(0);
  });

  it('refuses a client frame that names another user and forwards nothing', async () => {
    const client = await connected(open('/ws', [], { authorization: `Bearer ${await token('gina')}` }));
    client.send({ type: 'user_message', payload: { text: 'x', user_id: 'henry' } });
    const refusal = await client.waitFor((f) => f.type === 'error_message');
    expect(refusal.error_code).toBe('ISOLATION_VIOLATION');
  });

  it('drains user-engine sessions with 1012 after a rollback, never before they are old enough, and they come back on legacy', async () => {
    await proxy.stop();
    await start({ websocket: { drain: { minAgeMs: 400, windowMs: 200 } } });
    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    const jwt = await token(userIn(100, true));
    const client = await connected(open('/ws', [], { authorization: `Bearer ${jwt}` }));
    expect(user.handshakes).toHaveLength(1);
    const openedAt = Date.now();
    await proxy.admin('POST', '/admin/rollback', { reason: 'test' });
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1012, reason: 'engine rollback' });
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(350);
    const again = await connected(open('/ws', [], { authorization: `Bearer ${jwt}` }));
    expect(again.frames).toHaveLength(1);
    expect(legacy.handshakes.length).toBeGreaterThan(0);
  });
});
