import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Switchboard } from '../../../src/switchboard/switchboard.js';
import { InMemoryFlagSource } from '../../../src/flags/in-memory-source.js';
import { mismatchRateGate } from '../../../src/guard/gates/mismatch.js';
import { DEFAULT_GUARD_LIMITS } from '../../../src/guard/gates/limits.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import { RollbackGuard, type GuardClock } from '../../../src/guard/rollback-guard.js';
import { createMetrics } from '../../../src/metrics/catalog.js';
import type { Engine } from '../../../src/routing/types.js';
import { T0, userHash } from './feed.js';
import { seeded } from '../../support/seeded-random.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };

class ManualClock implements GuardClock {
  t = T0;
  private readonly ticks: Array<() => void> = [];
  now(): number {
    return this.t;
  }
  every(_ms: number, tick: () => void): () => void {
    this.ticks.push(tick);
    return () => this.ticks.splice(this.ticks.indexOf(tick), 1);
  }
  second(): void {
    this.t += 1000;
    for (const tick of [...this.ticks]) tick();
  }
}

/**
 * One simulated run of an engine: with probability `noise` it takes another tool (the demo's
 * noise setting, on both engines); `regression` is a real divergence of the user engine that
 * every one of its sessions shows alike (so its own floor cannot see it).
 */
interface RunShape {
  otherTool: boolean;
  missing: boolean;
}
function runOf(random: () => number, noise: number, regression: number): RunShape {
  return { otherTool: random() < noise, missing: random() < regression };
}
function kindsBetween(a: RunShape, b: RunShape): string[] {
  const kinds: string[] = [];
  if (a.missing !== b.missing) kinds.push('missing_event');
  if (a.otherTool !== b.otherTool) kinds.push('tool');
  return kinds;
}

interface Traffic {
  /** Seconds simulated; every second 20 users shadowed cross-engine and 10 per engine baselined. */
  seconds: number;
  noise: number;
  /** Extra share of user-engine runs that diverge for real, from second `regressionFrom` on. */
  regression?: number;
  regressionFrom?: number;
  /** Baseline comparisons per engine per second (0: no baseline). */
  baselinePerEngine?: number;
  seed?: number;
}

async function simulate(traffic: Traffic, mode: 'enforce' = 'enforce') {
  const source = new InMemoryFlagSource(names);
  const switchboard = new Switchboard(source, createMetrics(new Registry()), pino({ level: 'silent' }));
  switchboard.init();
  await switchboard.setRollout(50);
  const clock = new ManualClock();
  const guard = new RollbackGuard(
    DEFAULT_GUARD_LIMITS,
    mode,
    switchboard,
    createMetrics(new Registry()),
    pino({ level: 'silent' }),
    clock,
  );
  guard.start();
  const random = seeded(traffic.seed ?? 21);
  let trippedAt: number | null = null;
  let user = 0;
  for (let s = 0; s < traffic.seconds && trippedAt === null; s++) {
    const regression = s >= (traffic.regressionFrom ?? 0) ? (traffic.regression ?? 0) : 0;
    for (let i = 0; i < 20; i++) {
      const legacyRun = runOf(random, traffic.noise, 0);
      const userRun = runOf(random, traffic.noise, regression);
      const kinds = kindsBetween(legacyRun, userRun);
      guard.recordComparison(kinds.length > 0 ? 'mismatch' : 'match', `u-${user++ % 500}`, kinds);
    }
    for (const engine of ['legacy', 'user'] as Engine[]) {
      const shift = engine === 'user' ? regression : 0;
      for (let i = 0; i < (traffic.baselinePerEngine ?? 5); i++) {
        // Both sessions of one engine share its regression: only its noise differs.
        const same = random() < shift;
        const a = { ...runOf(random, traffic.noise, 0), missing: same };
        const b = { ...runOf(random, traffic.noise, 0), missing: same };
        const kinds = kindsBetween(a, b);
        guard.recordComparison(kinds.length > 0 ? 'mismatch' : 'match', `b-${user++ % 500}`, kinds, engine);
      }
    }
    clock.second();
    if (switchboard.flags()?.rollback.engaged === true) trippedAt = s + 1 - (traffic.regressionFrom ?? 0);
  }
  const gate = guard.report().gates.find((g) => g.name === 'mismatch_rate')!;
  return { trippedAt, gate };
}

describe('mismatch_rate gate against the noise baseline', () => {
  it('a noisy healthy engine (8% of runs take another tool, both engines) never trips in enforce mode over 5 minutes', async () => {
    const { trippedAt, gate } = await simulate({ seconds: 300, noise: 0.08 });
    expect(trippedAt).toBeNull();
    expect(gate).toMatchObject({ basis: 'baseline', verdict: 'ok', noisyKinds: [] });
    // The floor it was held against is the noise itself: about 2 x 8% x 92%.
    expect(gate.floor).toBeGreaterThan(0.08);
    expect(gate.value).toBeGreaterThan(0.08);
  });

  // The gate must clear the 5 points by more than the floors' own sampling error (see
  // floor-sampling.test.ts); over many runs, neither way may it be wrong.
  // A run already differs from the other engine's in 2 x 8% x 92% of cases; missing an event in
  // this share of the rest lifts the cross rate by 15 points. The floors hold 600 comparisons each
  // (10 a second): the guard cannot be surer of a difference than of the floor it is measured from.
  const FIFTEEN_POINTS = 0.15 / (1 - 2 * 0.08 * 0.92);
  const SEEDS = Array.from({ length: 40 }, (_, i) => 1000 + i);

  it('over 40 seeded runs of 5 minutes, 8% noise on both engines never trips, however the floors sample', async () => {
    for (const seed of SEEDS) {
      const { trippedAt, gate } = await simulate({ seconds: 300, noise: 0.08, seed });
      expect({ seed, trippedAt, reason: gate.reason }).toEqual({ seed, trippedAt: null, reason: null });
    }
  }, 60_000);

  it('over the same 40 seeds, a user engine 15 points above the floor trips every time within the window + 1 s', async () => {
    for (const seed of SEEDS) {
      const { trippedAt, gate } = await simulate({
        seconds: 300,
        noise: 0.08,
        regression: FIFTEEN_POINTS,
        regressionFrom: 60,
        baselinePerEngine: 10,
        seed,
      });
      expect({ seed, trippedAt }).toEqual({ seed, trippedAt: expect.any(Number) });
      expect(trippedAt!).toBeLessThanOrEqual(DEFAULT_GUARD_LIMITS.windowSeconds + 1);
      expect(gate.reason).toMatch(
        /floor [\d.]+% of \d+ \+ 5 points; at least \+[\d.]+ points at 99% confidence/,
      );
    }
  }, 60_000);

  it('the same traffic without a baseline trips on the absolute 5% limit (basis absolute)', async () => {
    const { trippedAt } = await simulate({ seconds: 300, noise: 0.08, baselinePerEngine: 0 });
    expect(trippedAt).not.toBeNull();
  });

  it('falls back to the absolute limit, and says so, with too few baseline comparisons', () => {
    const w = new SampleWindow(60);
    for (let i = 0; i < 100; i++) w.recordComparison(T0, i < 3 ? 'mismatch' : 'match', userHash(i), ['tool']);
    for (let i = 0; i < 10; i++) w.recordComparison(T0, 'match', userHash(i), [], 'legacy');
    const report = mismatchRateGate(w, DEFAULT_GUARD_LIMITS, T0);
    expect(report).toMatchObject({ basis: 'absolute', limit: 0.05, floor: null, verdict: 'ok' });
  });

  it('waits (insufficient, basis baseline) while a floor fills, rather than judge noise against 5%', () => {
    const w = new SampleWindow(60);
    // 15% of cross runs differ: far past the absolute 5%, but both engines have a baseline running.
    for (let i = 0; i < 200; i++)
      w.recordComparison(T0, i < 30 ? 'mismatch' : 'match', userHash(i), ['tool']);
    for (let i = 0; i < 20; i++) w.recordComparison(T0, 'match', userHash(i), [], 'legacy');
    for (let i = 0; i < 60; i++) w.recordComparison(T0, 'match', userHash(i), [], 'user');
    const filling = mismatchRateGate(w, DEFAULT_GUARD_LIMITS, T0);
    expect(filling).toMatchObject({ basis: 'baseline', floor: null, verdict: 'insufficient' });
    expect(filling.value).toBeCloseTo(0.15);
    // Once the floor is full (here: a floor of 0), the same cross rate breaches against it.
    for (let i = 20; i < 60; i++) w.recordComparison(T0, 'match', userHash(i), [], 'legacy');
    expect(mismatchRateGate(w, DEFAULT_GUARD_LIMITS, T0)).toMatchObject({
      basis: 'baseline',
      floor: 0,
      verdict: 'breach',
    });
  });

  it('leaves a kind whose own floor is above GUARD_NOISY_KIND_RATE out of the gate, and names it', () => {
    const w = new SampleWindow(60);
    for (const engine of ['legacy', 'user'] as Engine[]) {
      for (let i = 0; i < 100; i++) {
        w.recordComparison(T0, i < 30 ? 'mismatch' : 'match', userHash(i), i < 30 ? ['order'] : [], engine);
      }
    }
    // 40% of cross runs differ only in order (noisy), 2% in a tool: the gate sees 2%.
    for (let i = 0; i < 200; i++) {
      const kinds = i < 80 ? ['order'] : i < 84 ? ['tool'] : [];
      w.recordComparison(T0, kinds.length > 0 ? 'mismatch' : 'match', userHash(i), kinds);
    }
    const report = mismatchRateGate(w, DEFAULT_GUARD_LIMITS, T0);
    expect(report).toMatchObject({ basis: 'baseline', noisyKinds: ['order'], verdict: 'ok', floor: 0 });
    expect(report.value).toBeCloseTo(0.02);
  });

  it('keeps the books apart: baseline comparisons never count in the cross-engine totals', () => {
    const w = new SampleWindow(60);
    for (let i = 0; i < 50; i++) w.recordComparison(T0, 'mismatch', userHash(i), ['tool'], 'user');
    expect(w.comparisons(T0)).toMatchObject({ match: 0, mismatch: 0, mismatchUsers: 0 });
    const books = w.noiseBooks(T0);
    expect(books.floors.user[8]).toBe(50); // the tool bit
    expect(books.floors.legacy.reduce((a, b) => a + b, 0)).toBe(0);
    expect(books.cross.reduce((a, b) => a + b, 0)).toBe(0);
  });
});
