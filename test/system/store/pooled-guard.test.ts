import pg from 'pg';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { metric } from '../../integration/shadow/rig.js';
import { startJsonStub, type JsonStub, type StubRequest } from '../../integration/shadow/json-stub.js';
import { startPostgres, type Postgres } from '../../../bench/local-postgres.js';

/**
 * Issue 22, item 3: three replicas sharing a PostgreSQL 15, a 2% rollout with every user
 * shadowed. No replica alone sees GUARD_MIN_COMPARISONS comparisons or GUARD_MIN_USERS users;
 * the fleet does, and its judge (the advisory lock's holder) trips on the summed slices.
 * Slices are written every 2 s and the lock polled every 3 s: the defaults.
 */
const ROUTES = [
  { name: 'threads_read', method: 'GET', path: '/api/threads/*', shadowSafe: true, userIdIn: 'query' },
];
// Each replica sees 30 comparisons from 4 users, two see 60 from 8: only all three reach the limits.
const GUARD = { windowSeconds: 120, minComparisons: 75, minUsers: 10, minRequests: 100_000 };
const USERS = 12;
const REQUESTS = 90;

let server: Postgres;
let admin: pg.Client;
let databases = 0;
let legacy: JsonStub;
let user: JsonStub;
const fleet: ProxyUnderTest[] = [];

const thread = (title: string) => (req: StubRequest) => ({
  body: { id: req.url.split('/').pop(), title, messages: [{ role: 'user', text: 'costs' }] },
});

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  // The outage test stops the server under this connection: its error must not end the run.
  admin.on('error', () => undefined);
  legacy = await startJsonStub(thread('Costs'));
  user = await startJsonStub(thread('Costs'));
}, 120_000);

afterEach(async () => {
  for (const p of fleet.splice(0)) await p.stop();
}, 60_000);

afterAll(async () => {
  await Promise.all([legacy?.close(), user?.close()]);
  await admin?.end();
  await server?.stop();
}, 60_000);

/** Three replicas on a fresh database, each at a 2% rollout with every user shadowed. */
async function startFleet(): Promise<ProxyUnderTest[]> {
  databases += 1;
  const name = `pooled_${databases}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = server.url.replace(/\/postgres$/, `/${name}`);
  const replicas = await Promise.all(
    [0, 1, 2].map(() =>
      startProxy({
        legacyUrl: legacy.url,
        userUrl: user.url,
        config: {
          routes: ROUTES,
          guard: GUARD,
          store: { url, heartbeatMs: 1000 },
          shadow: { logSampleRate: 0 },
          log: { level: 'warn' },
        },
      }),
    ),
  );
  fleet.push(...replicas);
  for (const p of replicas) {
    expect((await p.admin('PUT', '/admin/rollout', { percent: 2 })).status).toBe(200);
    expect((await p.admin('PUT', '/admin/shadow', { percent: 100 })).status).toBe(200);
  }
  return replicas;
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const guardOf = async (p: ProxyUnderTest) => (await p.admin('GET', '/admin/guard')).body;
const mismatchGate = async (p: ProxyUnderTest) =>
  (await guardOf(p)).gates.find((g: { name: string }) => g.name === 'mismatch_rate');
const judges = async (replicas: ProxyUnderTest[]) => {
  const views = await Promise.all(replicas.map(guardOf));
  return replicas.filter((_, i) => views[i].judge === true && views[i].scope === 'fleet');
};

/** One judge among the replicas, once the store is migrated and the lock taken. */
async function theJudge(replicas: ProxyUnderTest[]): Promise<ProxyUnderTest> {
  const found = await eventually(
    () => judges(replicas),
    (j) => j.length === 1,
    'one judge',
  );
  return found[0]!;
}

/** Request j goes to replica j % 3 as user j % 12: each replica sees 4 users and 30 requests. */
async function traffic(replicas: ProxyUnderTest[]): Promise<void> {
  const tokens = await Promise.all(Array.from({ length: USERS }, (_, u) => signToken(`pool-user-${u}`)));
  const statuses = await Promise.all(
    Array.from({ length: REQUESTS }, async (_, j) => {
      const res = await fetch(`${replicas[j % 3]!.url}/api/threads/t-${j}`, {
        headers: { authorization: `Bearer ${tokens[j % USERS]}` },
      });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
}

/** Every replica has judged its 30 comparisons locally: too few, from too few users, alone. */
async function eachReplicaAlone(replicas: ProxyUnderTest[], judge: ProxyUnderTest): Promise<void> {
  for (const p of replicas.filter((r) => r !== judge)) {
    const local = await eventually(
      () => mismatchGate(p),
      (g) => g.samples.user === REQUESTS / 3,
      'the replica judging its share',
    );
    expect(local.verdict).toBe('insufficient');
    expect(local.users).toBeLessThan(GUARD.minUsers);
  }
}

describe('the pooled guard of three replicas sharing PostgreSQL', () => {
  it('trips on the fleet of a diverging user engine where no single replica could, naming the fleet figures', async () => {
    user.answer = thread('Kosten');
    const replicas = await startFleet();
    const judge = await theJudge(replicas);
    await traffic(replicas);
    await eachReplicaAlone(replicas, judge);
    const state = await eventually(
      async () => (await judge.admin('GET', '/admin/state')).body,
      (s) => s.rollback.engaged === true,
      "the judge's rollback",
    );
    expect(state.rollback).toMatchObject({ trigger: 'guard' });
    // The judge trips as soon as the fleet's slices reach the limits: 75 to 90 comparisons.
    const [, judged] = /^fleet: (\d+) comparisons, \d+ requests over 3 instances; mismatch_rate: /.exec(
      state.rollback.reason,
    )!;
    expect(Number(judged)).toBeGreaterThanOrEqual(GUARD.minComparisons);
    expect(await guardOf(judge)).toMatchObject({ scope: 'fleet', judge: true, instances: 3, fallback: null });
    console.info(`the judge's reason: ${state.rollback.reason}`);
    for (const p of replicas.filter((r) => r !== judge)) {
      expect((await p.admin('GET', '/admin/state')).body.rollback.engaged).toBe(false);
      expect(await metric(p, 'switchyard_guard_judge')).toBe(0);
    }
    expect(await metric(judge, 'switchyard_guard_judge')).toBe(1);
    expect(await metric(judge, 'switchyard_guard_scope', { scope: 'fleet' })).toBe(1);
  }, 90_000);

  it('does not trip on the same traffic with identical engines, and moves the judge within 10 s when it stops', async () => {
    user.answer = thread('Costs');
    const replicas = await startFleet();
    const judge = await theJudge(replicas);
    await traffic(replicas);
    await eachReplicaAlone(replicas, judge);
    const fleetGate = await eventually(
      () => mismatchGate(judge),
      (g) => g.samples.user === REQUESTS,
      "the judge's sum of the fleet",
    );
    expect(fleetGate).toMatchObject({ verdict: 'ok', value: 0 });
    for (const p of replicas)
      expect((await p.admin('GET', '/admin/state')).body.rollback.engaged).toBe(false);

    const stoppedAt = Date.now();
    await judge.stop();
    fleet.splice(fleet.indexOf(judge), 1);
    const rest = replicas.filter((r) => r !== judge);
    const next = await theJudge(rest);
    const tookMs = Date.now() - stoppedAt;
    expect(tookMs).toBeLessThan(10_000);
    // The new judge reads the slices the old one left, and its own: the fleet's evidence goes on.
    const seen = await eventually(
      () => guardOf(next),
      (g) => g.instances >= 2,
      "the new judge's view of the fleet",
    );
    expect(seen).toMatchObject({ scope: 'fleet', judge: true });
    console.info(`judge moved ${tookMs} ms after the old one stopped`);
  }, 90_000);

  it('falls back to judging local traffic while PostgreSQL is down, says so, and pools again after', async () => {
    const replicas = await startFleet();
    await theJudge(replicas);
    await server.pause();
    try {
      const views = await eventually(
        () => Promise.all(replicas.map(guardOf)),
        (vs) => vs.every((v) => v.scope === 'local'),
        'every replica in local scope',
      );
      for (const v of views) expect(v.fallback).toMatch(/^store unreachable/);
      expect(await metric(replicas[0]!, 'switchyard_guard_scope', { scope: 'local' })).toBe(1);
    } finally {
      await server.resume();
    }
    await theJudge(replicas);
    const views = await eventually(
      () => Promise.all(replicas.map(guardOf)),
      (vs) => vs.every((v) => v.scope === 'fleet'),
      'every replica pooled again',
    );
    expect(views.filter((v) => v.judge)).toHaveLength(1);
  }, 120_000);
});
