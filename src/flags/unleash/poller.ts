import type { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Unleash, UnleashEvents } from 'unleash-client';
import { BackupStorage } from './backup-storage.js';
import type { UnleashFeature } from './strategies.js';

export interface PollerOptions {
  url: string;
  apiToken: string;
  appName: string;
  instanceId: string;
  environment: string;
  project: string;
  refreshMs: number;
  backupPath: string;
  timeoutMs: number;
}

export interface PollerEvents {
  /** Flags from the server (`fromServer`), or from the backup file at start. */
  data(features: UnleashFeature[], fromServer: boolean): void;
  pollStarted(at: number): void;
  pollSucceeded(): void;
  pollFailed(detail: string): void;
  /** Something to log that is not a poll's outcome (backup trouble, first synchronisation). */
  notice(level: 'info' | 'warn', message: string): void;
}

/**
 * unleash-client, used only to fetch the flags: ETag polling, backoff, the backup file. Its events
 * become a poll's outcome: a poll starts when the client asks for its headers, and succeeds with
 * `changed` (200) or `unchanged` (304), or fails with `error`/`warn`. Decisions never call
 * `isEnabled`, so its per-call "not initialized" warning cannot flood the log. After a 401/403 the
 * client stops polling for good; the poller then opens a fresh client after `authRetryMs`.
 */
export class UnleashPoller {
  private client: Unleash | null = null;
  private inFlight = false;
  private hadServerData = false;
  private reopenTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Until when an unchanged poll is followed by another soon (pollSoon), in ms; 0: no burst. */
  private burstUntil = 0;
  private burstEvery = 150;
  private pollAgain = false;
  private burstTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: PollerOptions,
    private readonly events: PollerEvents,
    private readonly authRetryMs = Math.max(30_000, options.refreshMs * 10),
  ) {}

  /**
   * Resolves once the first poll has ended (either way; its retries take a few seconds when Unleash
   * is down) and the backup has been read, or after `startWaitMs` if Unleash hangs.
   */
  async start(startWaitMs = 10_000): Promise<void> {
    const client = this.open();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<void>((resolve) => (timer = setTimeout(resolve, startWaitMs)));
    await Promise.race([client.start(), hung]).finally(() => clearTimeout(timer));
    await nextTurn(); // the client announces `ready` from the backup on the next tick
  }

  /**
   * Polls now instead of at the next refresh, and again every `everyMs` while Unleash answers
   * "unchanged", for `burstMs`: Unleash publishes a change to client polls 0-1 s after accepting
   * it (a revision check once a second), later when it is busy. A poll in flight is not doubled: the next one starts when it ends.
   */
  pollSoon(burstMs = 3000, everyMs = 150): void {
    if (this.closed) return;
    this.burstUntil = Date.now() + burstMs;
    this.burstEvery = everyMs;
    if (this.inFlight) this.pollAgain = true;
    else this.pollNow();
  }

  close(): void {
    this.closed = true;
    if (this.burstTimer !== null) clearTimeout(this.burstTimer);
    if (this.reopenTimer !== null) clearTimeout(this.reopenTimer);
    if (this.client !== null) destroySafely(this.client);
    this.client = null;
  }

  private open(): Unleash {
    const o = this.options;
    const client = new Unleash({
      url: o.url,
      appName: o.appName,
      instanceId: o.instanceId,
      environment: o.environment,
      projectName: o.project,
      refreshInterval: o.refreshMs,
      timeout: o.timeoutMs,
      disableMetrics: true,
      disableAutoStart: true,
      skipInstanceCountWarning: true,
      storageProvider: new BackupStorage(o.backupPath, (m) => this.events.notice('warn', m)),
      customHeadersFunction: () => {
        this.inFlight = true;
        this.events.pollStarted(Date.now());
        return Promise.resolve({ Authorization: o.apiToken });
      },
    });
    client.on(UnleashEvents.Changed, (features: UnleashFeature[]) => {
      this.hadServerData = true;
      this.burstUntil = 0;
      this.events.data(features, true);
      this.succeeded();
    });
    client.on(UnleashEvents.Unchanged, () => {
      this.succeeded();
      if (!this.pollAgain && Date.now() < this.burstUntil) this.schedulePoll(this.burstEvery);
    });
    client.on(UnleashEvents.Ready, () => {
      if (!this.hadServerData) this.events.data(client.getFeatureToggleDefinitions(), false);
    });
    client.on(UnleashEvents.Synchronized, () => this.events.notice('info', 'synchronized with Unleash'));
    client.on(UnleashEvents.Error, (err: Error) => this.failed(describe(err)));
    client.on(UnleashEvents.Warn, (message: unknown) => this.failed(describe(message)));
    this.client = client;
    return client;
  }

  private succeeded(): void {
    this.inFlight = false;
    this.events.pollSucceeded();
    this.afterPoll();
  }

  private afterPoll(): void {
    if (!this.pollAgain) return;
    this.pollAgain = false;
    this.schedulePoll(0);
  }

  private schedulePoll(ms: number): void {
    if (this.burstTimer !== null || this.closed) return;
    this.burstTimer = setTimeout(() => {
      this.burstTimer = null;
      if (this.inFlight) this.pollAgain = true;
      else this.pollNow();
    }, ms);
    this.burstTimer.unref();
  }

  /**
   * unleash-client has no public "poll now": its polling fetcher's `fetch()` does one poll and
   * schedules the next, so the scheduled one is cancelled first (one poll chain, never two).
   */
  private pollNow(): void {
    const polling = (
      this.client as unknown as { repository?: { fetcher?: { pollingFetcher?: PollingFetcher } } }
    )?.repository?.fetcher?.pollingFetcher;
    if (polling === undefined || typeof polling.fetch !== 'function') return;
    if (polling.timer !== undefined) clearTimeout(polling.timer);
    polling.fetch().catch(() => undefined); // its outcome arrives as events
  }

  private failed(detail: string): void {
    if (!this.inFlight) {
      this.events.notice('warn', detail);
      return;
    }
    this.inFlight = false;
    this.events.pollFailed(detail);
    this.afterPoll();
    if (/responded 40[13]\b/.test(detail)) this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.closed || this.reopenTimer !== null) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (this.closed) return;
      if (this.client !== null) destroySafely(this.client);
      this.open()
        .start()
        .catch((err: Error) => this.events.notice('warn', describe(err)));
    }, this.authRetryMs);
    this.reopenTimer.unref();
  }
}

/** The part of unleash-client's internal polling fetcher that `pollNow` uses. */
interface PollingFetcher {
  timer?: NodeJS.Timeout;
  fetch(): Promise<void>;
}

/**
 * unleash-client 6's `destroy()` removes every listener of its repository, but a fetch still in
 * flight may then emit `error` on it: an `error` event without a listener crashes the process.
 */
export function destroySafely(client: Unleash): void {
  client.destroy();
  const repository = (client as unknown as { repository?: EventEmitter }).repository;
  repository?.on('error', () => undefined);
  repository?.on('warn', () => undefined);
  client.removeAllListeners();
  client.on('error', () => undefined);
}

function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/^Unleash Repository error: /, '').slice(0, 300);
}
