import type { Logger } from 'pino';
import type { FlagSourceStatus } from '../source.js';

/**
 * The outcome of the polls: up (the last one succeeded), the time of the last success (it does not
 * move while Unleash is unreachable), and the failure in progress. It logs the transitions only,
 * once each (WARN when Unleash becomes unreachable, INFO when it is back): a failing poll every
 * refresh must not fill the log.
 */
export class SyncStatus {
  private lastSyncMs: number | null = null;
  private failure: { detail: string; since: number } | null = null;
  private succeededOnce = false;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  get up(): boolean {
    return this.succeededOnce && this.failure === null;
  }

  get lastSync(): string | null {
    return this.lastSyncMs === null ? null : new Date(this.lastSyncMs).toISOString();
  }

  get failing(): { detail: string; since: string } | null {
    return this.failure === null
      ? null
      : { detail: this.failure.detail, since: new Date(this.failure.since).toISOString() };
  }

  succeeded(): void {
    if (this.failure !== null) {
      const downSeconds = Math.round((this.now() - this.failure.since) / 1000);
      this.log.info({ downSeconds }, 'Unleash reachable again: following its flags');
    }
    this.failure = null;
    this.succeededOnce = true;
    this.lastSyncMs = this.now();
  }

  failed(detail: string, hasFlags: boolean): void {
    if (this.failure === null) {
      this.failure = { detail, since: this.now() };
      this.log.warn(
        { detail },
        hasFlags
          ? 'Unleash unreachable: keeping the last known flags, retrying at each refresh'
          : 'Unleash unreachable and no backup: everyone on legacy until it answers',
      );
      return;
    }
    if (detail !== this.failure.detail) {
      this.log.debug({ detail }, 'Unleash still unreachable');
      this.failure.detail = detail;
    }
  }

  /**
   * The source's status: ready once flags are known (from Unleash or the backup), up while the
   * polls succeed, and every problem in words, the first of them the reason `/readyz` gives.
   */
  status(c: {
    hasFlags: boolean;
    fromServer: boolean;
    problems: readonly string[];
    hold: 'none' | 'unwritten' | 'local-only';
  }): FlagSourceStatus {
    const failing = this.failing;
    const problems: string[] = [];
    if (!c.hasFlags) {
      problems.push(
        failing === null
          ? 'waiting for the first answer from Unleash'
          : `unleash unreachable, no backup: ${failing.detail}`,
      );
    } else if (failing !== null) {
      const kept = c.fromServer ? 'keeping the last known flags' : 'serving the flags of the backup file';
      problems.push(`unleash unreachable since ${failing.since} (${failing.detail}); ${kept}`);
    }
    problems.push(...c.problems);
    if (c.hold === 'local-only') {
      problems.push(
        'rollback engaged on this instance only (no UNLEASH_ADMIN_TOKEN): disable the rollout flag in Unleash to roll back every replica',
      );
    } else if (c.hold === 'unwritten') {
      problems.push(
        'rollback engaged on this instance, not yet written to Unleash: retrying at each refresh',
      );
    }
    const problem = problems.length > 0 ? problems.join('; ') : null;
    return { kind: 'unleash', ready: c.hasFlags, up: this.up, lastSync: this.lastSync, problem };
  }
}
