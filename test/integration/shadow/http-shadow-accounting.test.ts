import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { startJsonStub, type JsonStub, type StubRequest } from './json-stub.js';
import { comparisons, dropped, metric, untilMetric } from './rig.js';

/**
 * Every shadow-eligible HTTP request (a shadowed user on a shadow-safe route) is accounted for:
 * compared, or dropped with a counted reason; never lost. Many requests per user over keep-alive
 * connections at concurrency, through the real proxy. The guard is off: in enforce mode a
 * mismatching engine trips the mismatch gate and the rollback stops all shadowing (the intended
 * behaviour, which would make the eligible set shift mid-run).
 */
const USERS = 100;
const REQUESTS = 2000;
const CONNECTIONS = 50;

let legacy: JsonStub;
let user: JsonStub;
let proxy: ProxyUnderTest;

const thread = (req: StubRequest, title = 'Costs') => ({ body: { id: req.url.split('/').pop(), title } });

async function start(shadowPercent: number, answerUser: (req: StubRequest) => { body: unknown }) {
  legacy = await startJsonStub((req) => thread(req));
  user = await startJsonStub(answerUser);
  proxy = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    // Accounting, not latency: timeouts far above what a busy machine can make 50 queued requests
    // wait (the harness's 2 s engine timeout answered 504s in a busy CI run).
    config: {
      guard: { mode: 'off' },
      engines: { legacy: { url: legacy.url }, user: { url: user.url }, timeoutMs: 60_000 },
      shadow: { httpTimeoutMs: 60_000 },
    },
  });
  await proxy.admin('PUT', '/admin/rollout', { percent: 0 });
  await proxy.admin('PUT', '/admin/shadow', { percent: shadowPercent });
}

afterEach(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

/** REQUESTS GETs of a shadow-safe route, user i % USERS, over CONNECTIONS keep-alive sockets. */
async function drive(): Promise<{ perUser: Map<string, number>; sockets: number }> {
  const tokens = await Promise.all(Array.from({ length: USERS }, (_, i) => signToken(`acct-${i}`)));
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const sockets = new Set<Socket>();
  const perUser = new Map<string, number>();
  const target = new URL(proxy.url);
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: `/api/threads/t-${i}`,
          agent,
          headers: { authorization: `Bearer ${tokens[i % USERS]!}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode}`))));
        },
      );
      req.on('socket', (socket) => sockets.add(socket));
      req.on('error', reject);
      req.end();
    });
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      await one(i);
      const id = `acct-${i % USERS}`;
      perUser.set(id, (perUser.get(id) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
  return { perUser, sockets: sockets.size };
}

/** Requests whose user the switchboard shadows: each must be compared or dropped. */
function eligible(perUser: Map<string, number>): number {
  let n = 0;
  for (const [id, count] of perUser) if (proxy.app.switchboard.decide(id).shadow !== 'none') n += count;
  return n;
}

/** Waits until every eligible request is compared or dropped and no shadow is in flight. */
async function settled(
  expected: number,
): Promise<{ compared: Record<string, number>; drops: Record<string, number> }> {
  const total = async () =>
    (await metric(proxy, 'switchyard_shadow_comparisons_total')) +
    (await metric(proxy, 'switchyard_shadow_dropped_total'));
  const deadline = Date.now() + 30_000;
  while ((await total()) < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await untilMetric(proxy, 'switchyard_shadow_inflight', { kind: 'http' }, 0);
  return { compared: await comparisons(proxy), drops: await dropped(proxy) };
}

describe('HTTP shadow accounting under keep-alive load', () => {
  it('compares every request of every shadowed user against an identical engine: all match', async () => {
    await start(100, (req) => thread(req));
    const { perUser, sockets } = await drive();
    expect(sockets).toBeLessThanOrEqual(CONNECTIONS);
    expect(eligible(perUser)).toBe(REQUESTS);
    const { compared, drops } = await settled(REQUESTS);
    const dropCount = Object.values(drops).reduce((a, b) => a + b, 0);
    expect(compared.match! + dropCount).toBe(REQUESTS);
    expect(compared).toMatchObject({ mismatch: 0, incomplete: 0, isolation: 0 });
    // 50 connections under a cap of 100 in flight: nothing needs dropping.
    expect(drops).toEqual({});
    expect(user.requests.filter((r) => r.headers['x-switchyard-shadow'] === '1')).toHaveLength(REQUESTS);
  }, 60_000);

  it('at a known share, compares every request of the shadowed users against a different engine: all mismatch', async () => {
    await start(50, (req) => thread(req, 'Kosten'));
    const { perUser } = await drive();
    const expected = eligible(perUser);
    // About half the users, each with all their requests (20 per user here).
    expect(expected).toBeGreaterThan(REQUESTS * 0.25);
    expect(expected).toBeLessThan(REQUESTS * 0.75);
    const { compared, drops } = await settled(expected);
    expect(drops).toEqual({});
    expect(compared).toEqual({ match: 0, mismatch: expected, incomplete: 0, isolation: 0 });
    expect(user.requests).toHaveLength(expected);
    expect(legacy.requests).toHaveLength(REQUESTS);
  }, 60_000);
});
