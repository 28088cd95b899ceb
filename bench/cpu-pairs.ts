import { setTimeout as sleep } from 'node:timers/promises';
import { cpuNanos } from './cpu-time.js';
import { load } from './load.js';

export interface CpuSide {
  /** The proxy's CPU time (all threads) per answered request, in µs. */
  micros: number;
  /** The same less what it spends idle over as long (timers, heartbeats, guard slices). */
  marginalMicros: number;
  /** Share of a core it uses idle, measured just before the load. */
  idle: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** CPU time over wall time of the window: well under 1 is an unsaturated proxy. */
  busy: number;
}

export interface CpuOptions {
  rate: number;
  seconds: number;
  reps: number;
  connections: number;
  /** Wait after the load before the CPU is read, so batched work the load caused is counted. */
  settleMs: number;
  /** Idle time measured before each load. */
  idleMs: number;
  /** Load the pair's proxies at the same time (each at `rate`) rather than one after the other. */
  together: boolean;
}

/**
 * CPU time per HTTP request of each proxy at one fixed, unsaturated rate, in paired repetitions:
 * the pair's proxies loaded at the same time (`together`: both see the same moment of a shared
 * machine) or one after the other, order alternating. Throughput ratios on a shared machine swing
 * by ±20% per pair; the CPU a proxy spends per request is what it costs, and the inverse ratio of
 * two is their throughput ratio once CPU-bound.
 */
export async function cpuPairs<K extends string>(
  proxies: Record<K, { url: string; pid: number }>,
  tokens: string[],
  options: CpuOptions,
  onRep: (rep: Record<K, CpuSide>, index: number) => void = () => {},
): Promise<Array<Record<K, CpuSide>>> {
  const { rate, seconds, reps, connections, settleMs, idleMs, together } = options;
  const names = Object.keys(proxies) as K[];
  const round = (x: number) => Math.round(x * 100) / 100;
  const measure = async ({ url, pid }: { url: string; pid: number }): Promise<CpuSide> => {
    const [idleCpu, idleWall] = [cpuNanos(pid), performance.now()];
    await sleep(idleMs);
    const [cpu, wall] = [cpuNanos(pid), performance.now()];
    const idle = (cpu - idleCpu) / 1e6 / (wall - idleWall);
    const result = await load(url, connections, seconds, tokens, rate);
    await sleep(settleMs);
    const ns = cpuNanos(pid) - cpu;
    const idleNs = idle * (performance.now() - wall) * 1e6;
    return {
      micros: round(ns / 1000 / result.requests),
      marginalMicros: round((ns - idleNs) / 1000 / result.requests),
      idle: Math.round(idle * 10_000) / 10_000,
      requests: result.requests,
      errors: result.errors,
      non2xx: result.non2xx,
      busy: round(ns / 1e6 / (performance.now() - wall)),
    };
  };
  const out: Array<Record<K, CpuSide>> = [];
  for (let r = 0; r < reps; r++) {
    const rep = {} as Record<K, CpuSide>;
    const order = r % 2 === 0 ? names : [...names].reverse();
    if (together) {
      const sides = await Promise.all(order.map((name) => measure(proxies[name])));
      order.forEach((name, i) => (rep[name] = sides[i]!));
    } else {
      for (const name of order) rep[name] = await measure(proxies[name]);
    }
    out.push(rep);
    onRep(rep, r);
  }
  return out;
}

/**
 * Throughput of `a` over `b` were both CPU-bound on one core: each serves (1 - idle share) of a
 * core at its marginal cost per request. Unlike the plain CPU-per-request ratio it does not
 * depend on the rate the load generator reached (fixed per-second costs weigh more at a lower rate).
 */
export const cpuBoundRatio = (a: CpuSide, b: CpuSide): number =>
  ((1 - a.idle) / a.marginalMicros) * (b.marginalMicros / (1 - b.idle));

/**
 * Throughput of `a` over `b` were both CPU-bound on one core, when `a`'s extra cost comes from
 * work at a fixed rate rather than from every request: `a` measured doing `extraPerRequest` units
 * of it per request (0.1: one stored divergence in ten requests) and, CPU-bound, doing
 * `extraPerSecond` units a second (a fleet's share of divergences does not grow with one replica's
 * request rate). Every microsecond `a` spends per request beyond `b` is charged to that work.
 */
export const cpuBoundRatioAtRate = (
  a: CpuSide,
  b: CpuSide,
  extraPerRequest: number,
  extraPerSecond: number,
): number => {
  const microsPerUnit = Math.max(0, a.marginalMicros - b.marginalMicros) / extraPerRequest;
  return (1 - a.idle - (extraPerSecond * microsPerUnit) / 1e6) / (1 - b.idle);
};
