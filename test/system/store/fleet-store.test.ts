import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { record } from '../../integration/store/records.js';
import { metric } from '../../integration/shadow/rig.js';
import { startPostgres, type Postgres } from '../../../bench/local-postgres.js';

/** Three replicas sharing one PostgreSQL 15: what one records, all serve; an outage costs no request. */
let pg: Postgres;
let legacy: EchoUpstream;
let user: EchoUpstream;
let fleet: ProxyUnderTest[] = [];

const replica = (dir?: string) =>
  startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    ...(dir === undefined ? {} : { dir }),
    config: { store: { url: pg.url, heartbeatMs: 200 }, log: { level: 'warn' } },
  });

beforeAll(async () => {
  pg = await startPostgres();
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
  fleet = await Promise.all([replica(), replica(), replica()]);
}, 120_000);

afterAll(async () => {
  for (const p of fleet) await p.stop();
  await Promise.all([legacy?.close(), user?.close()]);
  await pg?.stop();
}, 60_000);

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a fleet of three replicas sharing a PostgreSQL store', () => {
  it('migrates once at a concurrent start and registers every replica', async () => {
    const view = await eventually(
      async () => (await fleet[0]!.admin('GET', '/admin/instances')).body,
      (b) => b.items?.filter((i: { gone: boolean }) => !i.gone).length === 3,
      'three live instances',
    );
    expect(new Set(view.items.map((i: { id: string }) => i.id))).toEqual(
      new Set(fleet.map((p) => p.app.fleetStore.instance)),
    );
  });

  it("serves every replica's divergences and audit entries at any replica", async () => {
    const now = Date.now();
    fleet.forEach((p, i) =>
      p.app.fleetStore.recordDivergence(record({ n: i, at: now - i, kinds: ['tool'] }).divergence),
    );
    expect((await fleet[1]!.admin('PUT', '/admin/shadow', { percent: 5 })).status).toBe(200);
    await Promise.all(fleet.map((p) => p.app.fleetStore.settle()));
    const { body } = await fleet[2]!.admin('GET', '/admin/divergences?kind=tool&since=1m');
    expect(new Set(body.items.map((d: { instance: string }) => d.instance))).toEqual(
      new Set(fleet.map((p) => p.app.fleetStore.instance)),
    );
    const audit = (await fleet[0]!.admin('GET', '/admin/audit?since=1m')).body.items;
    expect(audit).toEqual([
      expect.objectContaining({ action: 'shadow', instance: fleet[1]!.app.fleetStore.instance }),
    ]);
  });

  it('keeps serving with the store stopped, sheds and counts, and writes again when it returns', async () => {
    const auth = { authorization: `Bearer ${await signToken('fleet-user')}` };
    const p = fleet[0]!;
    await pg.pause();
    let failed = 0;
    let served = 0;
    for (let round = 0; round < 10; round++) {
      p.app.fleetStore.recordDivergence(record({ n: 100 + round, at: Date.now() }).divergence);
      const answers = await Promise.all(
        fleet.map((r) => fetch(`${r.url}/api/threads/t-1`, { headers: auth }).then((res) => res.status)),
      );
      served += answers.filter((s) => s === 200).length;
      failed += answers.filter((s) => s !== 200).length;
    }
    expect([served, failed]).toEqual([30, 0]);
    for (const r of fleet) expect((await fetch(`${r.opsUrl}/readyz`)).status).toBe(200);
    await eventually(
      () => metric(p, 'switchyard_store_dropped_total', { kind: 'divergence' }),
      (n) => n > 0,
      'divergences shed while the store is down',
    );
    expect(await metric(p, 'switchyard_store_up')).toBe(0);
    await pg.resume();
    const marker = Date.now();
    await eventually(
      async () => {
        p.app.fleetStore.recordDivergence(
          record({ n: 500 + Math.floor(Math.random() * 1e6), at: Date.now(), kinds: ['order'] }).divergence,
        );
        return (
          (await fleet[1]!.admin('GET', `/admin/divergences?kind=order&since=${marker}`)).body.items ?? []
        );
      },
      (items) => items.length > 0,
      'a write after the store came back',
    );
    expect(await metric(p, 'switchyard_store_up')).toBe(1);
  }, 60_000);

  it('keeps divergences and audit across a restart of every replica', async () => {
    const before = (await fleet[0]!.admin('GET', '/admin/audit?limit=200')).body.items.length;
    const dirs = fleet.map((p) => p.dir);
    for (const p of fleet) await p.stop();
    fleet = await Promise.all(dirs.map(() => replica()));
    expect((await fleet[2]!.admin('GET', '/admin/audit?limit=200')).body.items).toHaveLength(before);
    expect(
      (await fleet[1]!.admin('GET', '/admin/divergences?kind=tool')).body.items.length,
    ).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
