import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';
import { WebClient } from '../support/web-client.js';
import { token, until } from './engines/helpers.js';
import { startRig, type Rig } from './ws/rig.js';

/** A legacy engine that issues tickets (and records the ticket requests' bodies). */
async function startTicketEngine() {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      const ticket = 'legacy-ticket-1';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ticket_id: ticket,
          expires_at: new Date(Date.now() + 300_000).toISOString(),
          websocket_url: `ws://engine/ws?ticket=${ticket}`,
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** An address where nothing listens: the user engine is down. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise<void>((r) => s.close(() => r()));
  return url;
}

describe('a ticket request while the user engine is down', () => {
  let legacy: Awaited<ReturnType<typeof startTicketEngine>>;
  let proxy: ProxyUnderTest;
  afterEach(async () => {
    await proxy.stop();
    await legacy.close();
  });

  const start = async (fallbackToLegacy: boolean) => {
    legacy = await startTicketEngine();
    proxy = await startProxy({
      legacyUrl: legacy.url,
      userUrl: await deadUrl(),
      config: { websocket: { fallbackToLegacy } },
    });
    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
  };
  const askTicket = async () =>
    fetch(`${proxy.url}/api/websocket/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signToken('erin')}`, 'content-type': 'application/json' },
      body: '{"purpose":"chat"}',
    });

  it('with fallback on, gets its ticket from legacy (wrapped as usual)', async () => {
    await start(true);
    const res = await askTicket();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-engine')).toBe('legacy');
    const body = (await res.json()) as { ticket_id: string; websocket_url: string };
    expect(body.ticket_id).not.toBe('legacy-ticket-1');
    expect(body.websocket_url).toContain(encodeURIComponent(body.ticket_id));
    expect(legacy.bodies).toEqual(['{"purpose":"chat"}']);
  }, 30_000);

  it('with fallback off, answers 503 with Retry-After (not 502)', async () => {
    await start(false);
    const res = await askTicket();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ error: { code: 'upstream_refused' } });
    expect(legacy.bodies).toEqual([]);
  }, 30_000);
});

describe('the real web client with the user engine down at 100 %', () => {
  let rig: Rig;
  let client: WebClient | null = null;
  afterEach(async () => {
    client?.stop();
    await rig.stop();
  });

  it('signs in with a ticket and is served by legacy when fallback is on', async () => {
    rig = await startRig({ userUrl: await deadUrl(), config: { websocket: { fallbackToLegacy: true } } });
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    client = new WebClient({ origin: rig.proxy.url, token: () => token('frank'), generation: 'ticket' });
    client.start();
    await until(() => client!.engine === 'legacy' || client!.stoppedBy !== null, 15_000);
    expect(client.stoppedBy).toBeNull();
    expect(client.engine).toBe('legacy');
    expect(client.state).toBe('open');
  }, 30_000);
});
