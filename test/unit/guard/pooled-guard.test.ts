import { pino } from 'pino';
import { Registry } from 'prom-client';
import { InMemoryFlagSource } from '../../../src/flags/in-memory-source.js';
import { DEFAULT_GUARD_LIMITS } from '../../../src/guard/gates/limits.js';
import { GuardPool } from '../../../src/guard/guard-pool.js';
import { RollbackGuard, type GuardClock } from '../../../src/guard/rollback-guard.js';
import { createMetrics } from '../../../src/metrics/catalog.js';
import { createStoreMetrics } from '../../../src/store/store-metrics.js';
import type { SliceRecord, Store } from '../../../src/store/types.js';
import { Switchboard } from '../../../src/switchboard/switchboard.js';
import { T0 } from './feed.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
const limits = { ...DEFAULT_GUARD_LIMITS, minComparisons: 50, minUsers: 5, minRequests: 10_000 };

/** One clock for the whole fleet; `second()` moves it on and fires every timer, as a second would. */
class FleetClock implements GuardClock {
  t = T0;
  private readonly ticks = new Set<() => void>();
  now(): number {
    return this.t;
  }
  every(_ms: number, tick: () => void): () => void {
    this.ticks.add(tick);
    return () => this.ticks.delete(tick);
  }
  second(): void {
    this.t += 1000;
    for (const tick of [...this.ticks]) tick();
  }
}

/**
 * The slice half of a shared store in memory: rows kept as the JSON a database would keep,
 * the judge's lock held by the first instance to ask, and an outage switch.
 */
class SharedSlices {
  readonly rows = new Map<string, SliceRecord>();
  holder: string | null = null;
  down = false;
  /** The `since` of every read, in order. */
  readonly reads: number[] = [];

  for(instance: string): Pick<Store, 'addSlices' | 'readSlices' | 'pruneSlices' | 'tryJudge' | 'resign'> {
    const up = async () => {
      await Promise.resolve();
      if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    };
    return {
      addSlices: async (slices) => {
        await up();
        for (const s of slices) this.rows.set(`${s.second}/${s.instance}`, JSON.parse(JSON.stringify(s)));
      },
      readSlices: async (since, except) => {
        await up();
        this.reads.push(since);
        return [...this.rows.values()].filter((r) => r.second >= since && r.instance !== except);
      },
      pruneSlices: async (before) => {
        await up();
        let n = 0;
        for (const [k, r] of this.rows) if (r.second < before && this.rows.delete(k)) n += 1;
        return n;
      },
      tryJudge: async () => {
        await up();
        this.holder ??= instance;
        return this.holder === instance;
      },
      resign: () => {
        if (this.holder === instance) this.holder = null;
        return Promise.resolve();
      },
    };
  }
}

interface Replica {
  name: string;
  guard: RollbackGuard;
  pool: GuardPool;
  switchboard: Switchboard;
}

async function fleet(n = 3) {
  const clock = new FleetClock();
  const shared = new SharedSlices();
  const replicas: Replica[] = [];
  for (let i = 0; i < n; i++) {
    const name = `replica-${i}`;
    const log = pino({ level: 'silent' });
    const switchboard = new Switchboard(new InMemoryFlagSource(names), createMetrics(new Registry()), log);
    switchboard.init();
    await switchboard.setRollout(2);
    const guard = new RollbackGuard(
      limits,
      'enforce',
      switchboard,
      createMetrics(new Registry()),
      log,
      clock,
    );
    const pool = new GuardPool({
      store: shared.for(name),
      ready: () => true,
      instance: name,
      window: guard.window,
      metrics: createStoreMetrics(new Registry()),
      log,
      clock,
    });
    guard.pooled(pool);
    guard.start();
    pool.start();
    replicas.push({ name, guard, pool, switchboard });
  }
  /** One second of the fleet: timers fire, writes and reads land, then every guard evaluates. */
  const second = async () => {
    clock.second();
    for (let i = 0; i < 5; i++) {
      await Promise.all(replicas.map((r) => r.pool.flush()));
      await new Promise((r) => setImmediate(r));
    }
    for (const r of replicas) r.guard.evaluate();
  };
  await second();
  return { clock, shared, replicas, second };
}

/** `perReplica` comparisons on each replica, from its own 3 users: mismatches when `diverging`. */
function comparisons(replicas: Replica[], perReplica: number, diverging: boolean): void {
  replicas.forEach((r, i) => {
    for (let k = 0; k < perReplica; k++) {
      r.guard.recordComparison(
        diverging ? 'mismatch' : 'match',
        `u-${i}-${k % 3}`,
        diverging ? ['tool'] : [],
      );
    }
  });
}

const gate = (r: Replica, name: string) => r.guard.report().gates.find((g) => g.name === name)!;
const judgeOf = (replicas: Replica[]) => replicas.filter((r) => r.guard.isJudge());

describe('the pooled guard across replicas (one shared store, an injected clock)', () => {
  it("trips on the fleet's evidence where no replica alone has enough, naming the fleet's figures", async () => {
    const { replicas, second } = await fleet();
    expect(judgeOf(replicas).map((r) => r.name)).toEqual(['replica-0']);
    comparisons(replicas, 20, true);
    for (const r of replicas.slice(1)) expect(gate(r, 'mismatch_rate').verdict).not.toBe('breach');
    await second();
    await second();
    const judge = replicas[0]!;
    expect(judge.switchboard.flags()!.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(judge.switchboard.flags()!.rollback.reason).toMatch(
      /^fleet: 60 comparisons, 0 requests over 3 instances; mismatch_rate: /,
    );
    expect(judge.guard.report()).toMatchObject({ scope: 'fleet', judge: true, instances: 3, fallback: null });
    for (const r of replicas.slice(1)) {
      expect(r.switchboard.flags()!.rollback.engaged).toBe(false);
      expect(r.guard.report()).toMatchObject({ scope: 'fleet', judge: false, instances: 1 });
      expect(gate(r, 'mismatch_rate')).toMatchObject({ verdict: 'insufficient', samples: { user: 20 } });
    }
  });

  it('does not trip on the same volume of matching comparisons: the fleet verdict is ok', async () => {
    const { replicas, second } = await fleet();
    comparisons(replicas, 20, false);
    await second();
    await second();
    expect(gate(replicas[0]!, 'mismatch_rate')).toMatchObject({ verdict: 'ok', samples: { user: 60 } });
    for (const r of replicas) expect(r.switchboard.flags()!.rollback.engaged).toBe(false);
  });

  it('leaves comparative gates to the judge: a non-judge with enough bad evidence alone does not trip', async () => {
    const { replicas, second } = await fleet();
    const lone = replicas[2]!;
    for (let k = 0; k < 60; k++) lone.guard.recordComparison('mismatch', `u-${k % 6}`, ['tool']);
    lone.guard.evaluate();
    expect(gate(lone, 'mismatch_rate').verdict).toBe('breach');
    expect(lone.switchboard.flags()!.rollback.engaged).toBe(false);
    await second();
    await second();
    expect(replicas[0]!.switchboard.flags()!.rollback.reason).toMatch(
      /^fleet: 60 comparisons, 0 requests over 2 instances; mismatch_rate/,
    );
  });

  it("trips at once on a non-judge that sees a frame carrying another user's user_id", async () => {
    const { replicas } = await fleet();
    replicas[1]!.guard.recordIsolation('user', 'user_id', 'session-1', 'victim');
    expect(replicas[1]!.switchboard.flags()!.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(replicas[1]!.switchboard.flags()!.rollback.reason).toMatch(/^isolation: /);
  });

  it('falls back to judging its own traffic with the store unreachable, and says so', async () => {
    const { replicas, shared, second } = await fleet();
    shared.down = true;
    await second();
    const lone = replicas[2]!;
    expect(lone.guard.report()).toMatchObject({ scope: 'local', judge: false, instances: 1 });
    expect(lone.guard.report().fallback).toMatch(/^store unreachable \(judge lock: connect ECONNREFUSED/);
    for (let k = 0; k < 60; k++) lone.guard.recordComparison('mismatch', `u-${k % 6}`, ['tool']);
    lone.guard.evaluate();
    expect(lone.switchboard.flags()!.rollback.reason).toMatch(/^mismatch_rate: /);
    shared.down = false;
    await second();
    await second();
    expect(replicas[1]!.guard.report()).toMatchObject({ scope: 'fleet', fallback: null });
  });

  it('moves the judge when the holder goes, and ignores the fleet evidence from before a resume', async () => {
    const { replicas, shared, second } = await fleet();
    comparisons(replicas, 20, true);
    await second();
    await second();
    const first = replicas[0]!;
    expect(first.switchboard.flags()!.rollback.engaged).toBe(true);
    first.pool.stop();
    expect(shared.holder).toBeNull();
    await second();
    const next = judgeOf(replicas);
    expect(next.map((r) => r.name)).toEqual(['replica-1']);
    // A resume reaches the new judge: the mismatches recorded before it are no longer evidence.
    await next[0]!.switchboard.rollback('guard', 'fleet');
    await next[0]!.switchboard.resume();
    await second();
    await second();
    expect(next[0]!.switchboard.flags()!.rollback.engaged).toBe(false);
    expect(gate(next[0]!, 'mismatch_rate').samples.user).toBe(0);
  });

  it('rereads only the last seconds, keeps what it read before, and lets seconds leave the window', async () => {
    const { clock, replicas, shared, second } = await fleet();
    comparisons(replicas.slice(1), 10, false);
    for (let s = 0; s < 30; s++) await second();
    const judged = () => gate(replicas[0]!, 'mismatch_rate').samples.user;
    expect(judged()).toBe(20);
    const lastRead = shared.reads.at(-1)!;
    expect(Math.floor(clock.now() / 1000) - lastRead).toBeLessThanOrEqual(16);
    for (let s = 0; s < 35; s++) await second();
    expect(judged()).toBe(0);
    // Pruned once older than the window plus 30 s.
    expect(shared.rows.size).toBe(2);
    for (let s = 0; s < 40; s++) await second();
    expect(shared.rows.size).toBe(0);
  });
});
