import type { EngineFaults } from '../../../engines/index.js';
import { ManualClock } from '../../support/manual-clock.js';
import { isTerminal, type TestClient } from '../engines/helpers.js';
import { comparisons, metric, ShadowRig } from './rig.js';

/** The documented noise setting (docs/shadow.md): 8% of runs take another tool, on both engines. */
export const NOISE: EngineFaults = { stepDelayMs: 1, divergence: { kind: 'tool', fraction: 0.08 } };
export const USERS = 100;
/** Guard time between two batches of runs, by default. */
export const BATCH_SECONDS = 5;

export interface NoiseRigOptions {
  baselinePercent: number;
  windowSeconds?: number;
  /** GUARD_MIN_COMPARISONS: judged runs the cross book and each floor need before the gate judges. */
  minComparisons?: number;
  /** Guard time between two batches (BATCH_SECONDS): fewer means more runs in a window. */
  batchSeconds?: number;
}

/**
 * Reference engines with the documented noise, a proxy at rollout 50% with the guard in enforce
 * mode on a manual clock, `baselinePercent` of users in the baseline and every other user
 * shadowed across engines, and USERS real WebSocket sessions. Each batch: every session starts a
 * run with a prompt of its own; once every run is judged, the guard's clock moves BATCH_SECONDS,
 * one evaluation a second. No sleeps: real time only passes while runs are really running.
 */
export class NoiseRig {
  readonly clock = new ManualClock();
  readonly rig = new ShadowRig();
  clients: TestClient[] = [];
  /** Batches run so far: each client started this many runs. */
  batches = 0;
  batchSeconds = BATCH_SECONDS;

  async start(options: NoiseRigOptions): Promise<this> {
    this.batchSeconds = options.batchSeconds ?? BATCH_SECONDS;
    await this.rig.start({
      rollout: 50,
      shadowPercent: 100,
      legacyFaults: { ...NOISE },
      userFaults: { ...NOISE },
      guardClock: this.clock,
      config: {
        log: { level: 'warn', requests: false },
        guard: {
          mode: 'enforce',
          windowSeconds: options.windowSeconds ?? 60,
          minComparisons: options.minComparisons ?? 50,
        },
      },
    });
    await this.rig.proxy.admin('PUT', '/admin/baseline', { percent: options.baselinePercent });
    this.clients = await Promise.all(
      Array.from({ length: USERS }, (_, i) => this.rig.connect(`noise-user-${i}`)),
    );
    return this;
  }

  get proxy() {
    return this.rig.proxy;
  }

  /** Comparisons judged so far, both books. */
  async judged(): Promise<number> {
    const cross = Object.values(await comparisons(this.proxy)).reduce((a, b) => a + b, 0);
    return cross + (await metric(this.proxy, 'switchyard_baseline_comparisons_total'));
  }

  /** One run on every session, all at once; resolves once every run is judged in its book. */
  async batch(): Promise<void> {
    const b = this.batches++;
    const before = await this.judged();
    await Promise.all(
      this.clients.map(async (c, i) => {
        const from = c.frames.length;
        c.send({
          type: 'user_message',
          payload: { text: `cost question ${b}-${i}`, thread_id: `t-${i}`, agent_name: `Agent${i}` },
        });
        await c.waitFor(isTerminal, { from, timeoutMs: 30_000 });
      }),
    );
    await untilJudged(this, before + this.clients.length);
  }

  /** `batchSeconds` of guard time, one evaluation a second. */
  tick(): void {
    for (let s = 0; s < this.batchSeconds; s++) this.clock.advance(1000);
  }

  /** The guard's latest trip, on its own clock. */
  trip(): { gate: string; reason: string; atMs: number } | null {
    const last = this.proxy.app.guard.report().lastTrip;
    return last === null ? null : { gate: last.gate, reason: last.reason, atMs: Date.parse(last.at) };
  }

  mismatchGate() {
    return this.proxy.app.guard.report().gates.find((g) => g.name === 'mismatch_rate')!;
  }

  close(): Promise<void> {
    return this.rig.close();
  }
}

async function untilJudged(rig: NoiseRig, total: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = await rig.judged();
    if (now >= total) return;
    if (Date.now() > deadline) throw new Error(`${now} comparisons judged, not ${total}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
