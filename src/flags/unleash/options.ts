import type { Logger } from 'pino';
import type { FlagNames } from '../document.js';

/** What the Unleash flag source is built from (create.ts maps the configuration onto it). */
export interface UnleashSourceOptions {
  url: string;
  apiToken: string;
  adminToken?: string | undefined;
  refreshMs: number;
  backupPath: string;
  project: string;
  environment: string;
  appName: string;
  instanceId: string;
  names: FlagNames;
  log: Logger;
  /**
   * How long after Unleash accepted a write a poll may still show the old flags (Unleash publishes a
   * change to client polls within 0-1 s) before Unleash's view wins again. Default 2.5 s.
   */
  graceMs?: number;
  now?: () => number;
}

/** Unleash publishes a change to client polls within 0-1 s (measured); twice that, and a half. */
export const DEFAULT_GRACE_MS = 2500;

/** The HTTP timeout of a poll: one refresh, within 1..5 s (unleash-client retries twice on top). */
export function pollTimeoutMs(refreshMs: number): number {
  return Math.min(5000, Math.max(1000, refreshMs));
}

/** A rollback record older than this while the flag is enabled was left by a resume made elsewhere. */
export const STALE_RECORD_MS = 30_000;
