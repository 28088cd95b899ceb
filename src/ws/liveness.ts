import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.js';

export interface LivenessTarget {
  /** Terminates a side silent for longer than `idleTimeoutMs`, pings the others. */
  checkLiveness(now: number, idleTimeoutMs: number): void;
}

export interface LivenessOptions {
  pingIntervalMs: number;
  idleTimeoutMs: number;
}

/**
 * The idle timeout in force: never shorter than two ping intervals, so that a peer that answers
 * every protocol ping (every browser does) is never taken for dead, whatever the configuration.
 */
export function effectiveIdleTimeout({ pingIntervalMs, idleTimeoutMs }: LivenessOptions): number {
  return Math.max(idleTimeoutMs, 2 * pingIntervalMs);
}

/**
 * Finds dead links: every `pingIntervalMs` each session pings its client (and its engine) with a
 * protocol ping, and a side that has shown no sign of life (a frame or a pong) for longer than
 * the idle timeout is terminated. The web client's JSON pings (every 15 s, 30 s on staging) are
 * ordinary frames and count as life; a dead link is found within idle timeout + one interval.
 */
export function startLivenessSweeper(
  sessions: () => Iterable<LivenessTarget>,
  options: LivenessOptions,
  log: Logger,
  clock: Clock = systemClock,
): () => void {
  const idle = effectiveIdleTimeout(options);
  if (idle !== options.idleTimeoutMs)
    log.warn(
      { idleTimeoutMs: options.idleTimeoutMs, pingIntervalMs: options.pingIntervalMs, inForce: idle },
      'websocket idle timeout raised to two ping intervals',
    );
  return clock.every(options.pingIntervalMs, () => {
    const now = clock.now();
    for (const s of sessions()) {
      try {
        s.checkLiveness(now, idle);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'liveness check failed');
      }
    }
  });
}
