import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { READ_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { until } from '../../support/until.js';
import { metric } from '../shadow/rig.js';
import { record } from './records.js';
import { UnavailableStore } from './unavailable-store.js';

let legacy: EchoUpstream;
let user: EchoUpstream;
const proxies: ProxyUnderTest[] = [];
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-store-'));
  dirs.push(dir);
  return dir;
};

beforeEach(async () => {
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
});
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.stop();
  await Promise.all([legacy.close(), user.close()]);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function proxy(
  options: { dir?: string; store?: UnavailableStore; config?: Record<string, unknown> } = {},
) {
  const p = await startProxy({ legacyUrl: legacy.url, userUrl: user.url, ...options });
  proxies.push(p);
  return p;
}

const T0 = Date.UTC(2026, 11, 1);

describe('the durable store behind the admin API', () => {
  it('writes every change to the audit trail, which survives a restart', async () => {
    const dir = await tempDir();
    const first = await proxy({ dir });
    expect((await first.admin('PUT', '/admin/rollout', { percent: 5 })).status).toBe(200);
    expect((await first.admin('POST', '/admin/rollback', { reason: 'errors up' })).status).toBe(200);
    expect((await first.admin('PUT', '/admin/rollout', { percent: 500 })).status).toBe(400);
    const { body } = await first.admin('GET', '/admin/audit', undefined, READ_TOKEN);
    expect(body.items.map((e: { action: string }) => e.action)).toEqual(['rollback', 'rollout']);
    expect(body.items[0]).toMatchObject({
      role: 'admin',
      actor: 'jest',
      reason: 'errors up',
      failed: null,
      before: { rollback: false, rollout: 5 },
      after: { rollback: true },
      instance: first.app.fleetStore.instance,
    });
    expect(Date.parse(body.items[0].at)).toBeGreaterThan(0);
    expect((await first.admin('GET', '/admin/audit?since=1m')).body.items).toHaveLength(2);
    expect((await first.admin('GET', `/admin/audit?since=${Date.now() + 60_000}`)).body.items).toEqual([]);
    await proxies.pop()!.stop();
    const second = await proxy({ dir });
    const again = await second.admin('GET', '/admin/audit?limit=1');
    expect(again.body.items.map((e: { action: string }) => e.action)).toEqual(['rollback']);
    const next = await second.admin('GET', `/admin/audit?limit=1&cursor=${again.body.next}`);
    expect(next.body.items.map((e: { action: string }) => e.action)).toEqual(['rollout']);
  });

  it('searches and pages divergences with since, until, kind, route, engine and source', async () => {
    const p = await proxy();
    for (let n = 0; n < 120; n++) {
      const http = n % 3 === 0;
      const { divergence } = record({
        n,
        at: T0 + n * 1000,
        kinds: n % 2 === 0 ? ['tool'] : ['status'],
        ...(http ? { route: 'costs', source: 'baseline' as const } : {}),
      });
      p.app.fleetStore.recordDivergence(divergence);
    }
    const seen: string[] = [];
    let page = (await p.admin('GET', '/admin/divergences?kind=tool')).body;
    seen.push(...page.items.map((d: { id: string }) => d.id));
    while (page.next !== undefined) {
      page = (await p.admin('GET', `/admin/divergences?kind=tool&cursor=${page.next}`)).body;
      seen.push(...page.items.map((d: { id: string }) => d.id));
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const q = async (query: string) => (await p.admin('GET', `/admin/divergences?${query}`)).body.items;
    const until = new Date(T0 + 10_000).toISOString();
    expect(await q(`since=${T0}&until=${encodeURIComponent(until)}`)).toHaveLength(10);
    expect((await q('route=costs&limit=200')).every((d: { route: string }) => d.route === 'costs')).toBe(
      true,
    );
    expect(await q('route=costs&limit=200')).toHaveLength(40);
    expect(await q('source=baseline&kind=tool&limit=200')).toHaveLength(20);
    expect(await q('engine=legacy&limit=200')).toHaveLength(120);
    expect((await q('limit=1'))[0]).toMatchObject({ source: 'cross', instance: p.app.fleetStore.instance });
    for (const bad of [
      'since=yesterday',
      'until=2026-13-45',
      'cursor=nope',
      'engine=other',
      'source=ws',
      'route=Bad!',
      'limit=201',
      'kind=nonsense',
    ]) {
      const res = await p.admin('GET', `/admin/divergences?${bad}`);
      expect([bad, res.status, res.body.error?.code]).toEqual([bad, 400, 'bad_request']);
    }
  });

  it('registers this instance with its heartbeat', async () => {
    const dir = await tempDir();
    const p = await proxy({ dir, config: { store: { heartbeatMs: 50, path: join(dir, 'store.db') } } });
    const instances = () => p.admin('GET', '/admin/instances', undefined, READ_TOKEN);
    // The first beat is sent before the flags are loaded; a later one reports them ready.
    const deadline = Date.now() + 10_000;
    while (!(await instances()).body.items?.[0]?.flagSource?.ready && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const { status, body } = await instances();
    expect(status).toBe(200);
    expect(body.self).toBe(p.app.fleetStore.instance);
    expect(body.items).toEqual([
      expect.objectContaining({
        id: p.app.fleetStore.instance,
        gone: false,
        liveSessions: 0,
        guardMode: 'enforce',
        version: expect.any(String),
        startedAt: expect.any(String),
        lastHeartbeat: expect.any(String),
        flagSource: expect.objectContaining({ ready: true }),
      }),
    ]);
  });

  it('keeps serving while the store hangs: records shed and counted, ready, writes resume after', async () => {
    const dir = await tempDir();
    const store = new UnavailableStore(join(dir, 'store.db'));
    const p = await proxy({ store, config: { store: { queueCapacity: 20 } } });
    const auth = { authorization: `Bearer ${await signToken('u-1')}` };
    for (let n = 0; n < 100; n++) p.app.fleetStore.recordDivergence(record({ n, at: T0 + n }).divergence);
    await until(() => store.writesStarted > 0, 10_000, 'a write to start');
    const served = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${p.url}/api/threads/t-1`, { headers: auth })),
    );
    expect(served.map((r) => r.status)).toEqual(served.map(() => 200));
    expect((await fetch(`${p.opsUrl}/readyz`)).status).toBe(200);
    expect(await metric(p, 'switchyard_store_dropped_total', { kind: 'divergence' })).toBeGreaterThanOrEqual(
      60,
    );
    const refused = await p.admin('GET', '/admin/divergences');
    expect([refused.status, refused.body.error.code]).toEqual([503, 'store_unavailable']);
    store.recover();
    p.app.fleetStore.recordDivergence(record({ n: 1000, at: T0 + 1000 }).divergence);
    const { body } = await p.admin('GET', '/admin/divergences?limit=200');
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.length).toBeLessThanOrEqual(41);
    expect(await metric(p, 'switchyard_store_up')).toBe(1);
  });

  it('bounds the queue by bytes too: past store.queueMaxBytes records are shed and counted, traffic unaffected', async () => {
    const dir = await tempDir();
    const store = new UnavailableStore(join(dir, 'store.db'));
    const divergences = Array.from({ length: 100 }, (_, n) => record({ n, at: T0 + n }).divergence);
    const largest = Math.max(...divergences.map((d) => Buffer.byteLength(JSON.stringify(d))));
    // Room for 10 records by bytes; the count bound (10,000) never comes near.
    const p = await proxy({ store, config: { store: { queueMaxBytes: Math.floor(largest * 10.5) } } });
    for (const d of divergences) p.app.fleetStore.recordDivergence(d);
    expect(await metric(p, 'switchyard_store_dropped_total', { kind: 'divergence' })).toBeGreaterThanOrEqual(
      90,
    );
    await until(() => store.writesStarted > 0, 10_000, 'a write to start');
    const auth = { authorization: `Bearer ${await signToken('u-1')}` };
    const served = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${p.url}/api/threads/t-1`, { headers: auth })),
    );
    expect(served.map((r) => r.status)).toEqual(served.map(() => 200));
    store.recover();
    const { body } = await p.admin('GET', '/admin/divergences?limit=200');
    expect(body.items.length).toBeGreaterThanOrEqual(1);
    expect(body.items.length).toBeLessThanOrEqual(10);
  });
});
