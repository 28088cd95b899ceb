import { randomBytes, randomUUID } from 'node:crypto';

/** Fresh ids and timestamps in the shapes the backend puts on the wire. */

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export function newUuid(): string {
  return randomUUID();
}

export function shortHex(): string {
  return randomBytes(4).toString('hex');
}

/** `2025-09-10T20:01:02.123000+00:00`, as the bridge envelope writes it. */
export function isoUtc(ms: number = Date.now()): string {
  return `${isoNaive(ms)}+00:00`;
}

/** `2025-09-10T20:01:02.123000`, as the emitter envelope writes it (no zone). */
export function isoNaive(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

/** Seconds since the epoch, as a float, as the system envelope writes it. */
export function epochSeconds(ms: number = Date.now()): number {
  return ms / 1000;
}
