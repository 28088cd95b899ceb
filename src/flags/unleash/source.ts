import type { Logger } from 'pino';
import { SwitchyardError } from '../../errors/switchyard-error.js';
import type { AnnouncedFlags, FlagState } from '../../routing/types.js';
import { emptyState } from '../document.js';
import type { FlagSource, FlagSourceStatus } from '../source.js';
import { UnleashAdminApi } from './admin-api.js';
import { flagsInUnleash, UnleashRefusedError, UnleashUnavailableError } from './errors.js';
import { readFeatures } from './features.js';
import { LocalChanges } from './local-changes.js';
import { DEFAULT_GRACE_MS, pollTimeoutMs, type UnleashSourceOptions } from './options.js';
import { changedParts, type Part } from './parts.js';
import { UnleashPoller } from './poller.js';
import { Publisher } from './publisher.js';
import { unleashNames, type UnleashFeature, type UnleashFlagNames } from './strategies.js';
import { SyncStatus } from './sync-status.js';
import { WriteQueue } from './write-queue.js';
import { UnleashWriter } from './writer.js';

export type { UnleashSourceOptions } from './options.js';

/**
 * The flags in an Unleash server, polled by unleash-client. Changes made here apply at once on this
 * instance (LocalChanges) and are written through the admin API when an admin token is configured;
 * without one, only a local rollback (and its release) is possible, and the rest is refused (409).
 */
export class UnleashFlagSource implements FlagSource {
  readonly kind = 'unleash' as const;
  private remote: FlagState | null = null;
  private problems: string[] = [];
  private fromServer = false;
  private pollStartedAt = 0;
  private readonly writes = new WriteQueue();
  private writingHold = false;
  private lastHoldFailure: string | null = null;
  private staleRecord = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly names: UnleashFlagNames;
  private readonly local: LocalChanges;
  private readonly sync: SyncStatus;
  private readonly poller: UnleashPoller;
  private readonly writer: UnleashWriter | null;
  private readonly published: Publisher;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly o: UnleashSourceOptions) {
    this.log = o.log;
    this.now = o.now ?? Date.now;
    this.names = unleashNames(o.names);
    this.local = new LocalChanges(emptyState(o.names), o.graceMs ?? DEFAULT_GRACE_MS);
    this.published = new Publisher(emptyState(o.names));
    this.sync = new SyncStatus(o.log, this.now);
    const api = o.adminToken === undefined ? null : new UnleashAdminApi({ ...o, token: o.adminToken });
    this.writer = api === null ? null : new UnleashWriter(api, this.names, (m) => o.log.warn(m));
    this.poller = new UnleashPoller(
      { ...o, timeoutMs: pollTimeoutMs(o.refreshMs) },
      {
        data: (features, fromServer) => this.received(features, fromServer),
        pollStarted: (at) => (this.pollStartedAt = at),
        pollSucceeded: () => this.afterPoll(),
        pollFailed: (detail) => this.sync.failed(detail, this.remote !== null),
        notice: (level, message) => this.log[level](message),
      },
    );
  }

  async start(): Promise<void> {
    await this.poller.start();
    if (this.writer === null)
      this.log.info('no UNLEASH_ADMIN_TOKEN: flags are changed in Unleash; rollback is local');
  }

  current(): FlagState | null {
    return this.published.current;
  }

  status(): FlagSourceStatus {
    const hold = !this.local.holdUnwritten ? 'none' : this.writer === null ? 'local-only' : 'unwritten';
    return this.sync.status({
      hasFlags: this.remote !== null,
      fromServer: this.fromServer,
      problems: this.problems,
      hold,
    });
  }

  onChange(listener: (state: FlagState) => void): void {
    this.published.onChange(listener);
  }

  async update(change: (state: FlagState) => FlagState): Promise<FlagState> {
    const before = this.published.current ?? emptyState(this.names);
    const next = change(before);
    const parts = changedParts(before, next);
    if (parts.size === 0) return before;
    if (parts.has('rollback') && next.rollback.engaged) return this.rollBack(next, parts);
    const remoteEngaged = this.remote?.rollback.engaged === true;
    // A rollback Unleash never had (no admin token, or not written yet) is released here alone.
    const neverWritten = this.writer === null || (this.local.holdUnwritten && !this.writingHold);
    if (parts.size === 1 && parts.has('rollback') && !remoteEngaged && neverWritten) {
      this.local.release();
      this.republish();
      this.log.warn('local rollback released on this instance');
      return this.published.current ?? next;
    }
    if (this.writer === null) throw flagsInUnleash(this.o, this.names, parts, remoteEngaged);
    if (this.remote === null)
      throw new UnleashUnavailableError('the flags are not loaded from Unleash yet: nothing changed');
    const savedHold = this.local.saveHold();
    if (parts.has('rollback')) this.local.resume(before.rollback);
    this.local.expect(next, parts);
    this.republish();
    try {
      await this.writes.run(() => this.writer!.write(next, parts));
      this.local.acknowledge(next, this.now());
    } catch (err) {
      this.local.abandon(next);
      this.local.restoreHold(savedHold);
      this.republish();
      throw err instanceof SwitchyardError ? err : new UnleashRefusedError((err as Error).message);
    }
    return next;
  }

  /**
   * Polls Unleash now, and briefly again while it still shows no change (UnleashPoller.pollSoon).
   * A change of this instance's own wins over Unleash's view for the grace after its write: one
   * more poll when the grace ends lets a change made elsewhere meanwhile (a resume) take over.
   */
  refresh(announced?: AnnouncedFlags): void {
    if (announced !== undefined) this.adopt(announced);
    this.poller.pollSoon();
    const wait = this.local.graceEndsAt() - this.now();
    if (wait <= 0) return;
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      this.graceTimer = null;
      this.poller.pollSoon(0);
    }, wait + 50);
    this.graceTimer.unref();
  }

  async close(): Promise<void> {
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.poller.close();
    await this.writes.drain(2000);
  }

  /**
   * Obeys at once what another replica wrote and Unleash accepted: Unleash shows a change to
   * polling clients up to a second late, a notification arrives in milliseconds. Like a change of
   * this instance's own, it holds until a poll reflects it or the grace after it passes (then
   * Unleash is the truth again, as for a missed notification).
   */
  private adopt(announced: AnnouncedFlags): void {
    const before = this.published.current;
    if (before === null || this.remote === null) return;
    const target: FlagState = { ...before, ...announced };
    const parts = changedParts(before, target);
    if (parts.size === 0) return;
    const at = this.now();
    if (parts.has('rollback') && target.rollback.engaged) {
      this.local.engage(target.rollback);
      this.local.markHoldWritten(at);
      parts.delete('rollback');
    } else if (parts.has('rollback')) {
      this.local.resume(before.rollback);
    }
    if (parts.size > 0) {
      this.local.expect(target, parts);
      this.local.acknowledge(target, at);
    }
    this.republish();
  }

  /** Engaged here at once; written to Unleash when possible, retried at each poll until it is. */
  private async rollBack(next: FlagState, parts: ReadonlySet<Part>): Promise<FlagState> {
    this.local.engage(next.rollback);
    this.republish();
    if (this.writer === null) {
      this.log.warn('rollback engaged on this instance only: no UNLEASH_ADMIN_TOKEN to write it to Unleash');
    } else {
      await this.persistRollback(next, parts);
    }
    return this.published.current ?? next;
  }

  private async persistRollback(target: FlagState, parts: ReadonlySet<Part>): Promise<void> {
    this.writingHold = true;
    try {
      await this.writes.run(() => this.writer!.write(target, parts));
      this.local.markHoldWritten(this.now());
      this.lastHoldFailure = null;
      this.log.info('rollback written to Unleash: the rollout flag is disabled');
    } catch (err) {
      // Once per cause: a retry fails at each refresh for as long as Unleash does not take it.
      const cause = (err as Error).message;
      const level = cause === this.lastHoldFailure ? 'debug' : 'warn';
      this.log[level]({ err: cause }, 'rollback engaged here, not yet in Unleash: retrying at each refresh');
      this.lastHoldFailure = cause;
    } finally {
      this.writingHold = false;
    }
  }

  private received(features: UnleashFeature[], fromServer: boolean): void {
    const reading = readFeatures(features, this.names, this.now());
    if (reading.problems.join() !== this.problems.join() && reading.problems.length > 0) {
      const kept = reading.state === null ? '; keeping the last good state' : '';
      this.log.warn({ problems: reading.problems }, `flags in Unleash with problems${kept}`);
    }
    this.problems = reading.problems;
    this.staleRecord = reading.staleRecord;
    if (reading.state === null) return;
    this.remote = reading.state;
    if (fromServer) this.fromServer = true;
    else this.log.info({ path: this.o.backupPath }, 'flags loaded from the Unleash backup file');
    this.republish();
  }

  private afterPoll(): void {
    this.sync.succeeded();
    if (this.remote === null) return;
    for (const note of this.local.observe(this.remote, this.pollStartedAt)) this.log.info(note);
    this.republish();
    if (this.writer === null) return;
    const held = this.published.current;
    if (this.local.holdUnwritten && !this.writingHold && held !== null) {
      void this.persistRollback(held, new Set<Part>(['rollback']));
    }
    if (this.staleRecord && !this.local.holding) {
      this.staleRecord = false;
      const remote = this.remote;
      void this.writes
        .run(() => this.writer!.clearRollbackRecord(remote))
        .catch((err: Error) =>
          this.log.warn({ err: err.message }, 'could not clear the stale rollback record'),
        );
    }
  }

  private republish(): void {
    this.published.publish(this.local.view(this.remote));
  }
}
