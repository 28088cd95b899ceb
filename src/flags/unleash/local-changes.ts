import type { FlagState, RollbackState } from '../../routing/types.js';
import { reflects, withParts, type Part } from './parts.js';

interface Pending {
  target: FlagState;
  parts: Set<Part>;
  /** When Unleash accepted the write (ms), or null while it is in flight. */
  ackAt: number | null;
}

/**
 * What this instance has changed and Unleash does not show yet, laid over the last state read
 * from Unleash, so that the instance obeys its own changes at once and never flickers back while
 * the fleet catches up.
 * - The rollback hold: a rollback engaged here wins over Unleash until a poll shows the rollout
 *   flag disabled (or it is resumed here). Until Unleash has accepted it, it survives anything
 *   (failed writes, an unreachable Unleash, no admin token); once accepted, a poll that still shows
 *   the flag enabled `graceMs` later means someone enabled it since: Unleash is the truth again.
 * - A pending change (percentages, overrides, a resume): shown until a poll reflects it; dropped if
 *   its write fails, or if Unleash still shows something else `graceMs` after accepting it
 *   (someone changed the flag since: Unleash is the truth).
 */
export class LocalChanges {
  private hold: RollbackState | null = null;
  /** When Unleash accepted the hold's write (ms), or null while it is not written. */
  private holdAckAt: number | null = null;
  private pending: Pending | null = null;

  constructor(
    private readonly empty: FlagState,
    private readonly graceMs: number,
  ) {}

  view(remote: FlagState | null): FlagState | null {
    const p = this.pending;
    const base = p === null ? remote : remote === null ? p.target : withParts(remote, p.target, p.parts);
    if (this.hold === null) return base;
    return { ...(base ?? this.empty), rollback: this.hold };
  }

  get holding(): boolean {
    return this.hold !== null;
  }

  /** A rollback engaged here; it replaces any resume still waiting to be seen. */
  engage(rollback: RollbackState): void {
    this.hold = rollback;
    this.holdAckAt = null;
    if (this.pending?.parts.delete('rollback') === true && this.pending.parts.size === 0) this.pending = null;
  }

  release(): void {
    this.hold = null;
  }

  /** The hold as it is, to put back if a resume cannot be written. */
  saveHold(): { hold: RollbackState | null; ackAt: number | null } {
    return { hold: this.hold, ackAt: this.holdAckAt };
  }

  restoreHold(saved: { hold: RollbackState | null; ackAt: number | null }): void {
    this.hold = saved.hold;
    this.holdAckAt = saved.ackAt;
  }

  /** The hold still needs writing to Unleash (no admin token, or the last attempt failed). */
  get holdUnwritten(): boolean {
    return this.hold !== null && this.holdAckAt === null;
  }

  markHoldWritten(at: number): void {
    if (this.hold !== null) this.holdAckAt = at;
  }

  expect(target: FlagState, parts: ReadonlySet<Part>): void {
    this.pending = { target, parts: new Set([...(this.pending?.parts ?? []), ...parts]), ackAt: null };
  }

  acknowledge(target: FlagState, at: number): void {
    if (this.pending?.target === target) this.pending.ackAt = at;
  }

  abandon(target: FlagState): void {
    if (this.pending?.target === target) this.pending = null;
  }

  /** When Unleash's view wins again over a change of ours it has accepted (ms); 0: nothing waits. */
  graceEndsAt(): number {
    const acks = [this.hold === null ? null : this.holdAckAt, this.pending?.ackAt ?? null];
    const latest = Math.max(0, ...acks.filter((a): a is number => a !== null));
    return latest === 0 ? 0 : latest + this.graceMs;
  }

  /** A successful poll; answers what it released, in words, for the log. */
  observe(remote: FlagState, pollStartedAt: number): string[] {
    const released: string[] = [];
    if (this.hold !== null && remote.rollback.engaged) {
      this.hold = null;
      released.push('the local rollback is now reflected by Unleash');
    } else if (
      this.hold !== null &&
      this.holdAckAt !== null &&
      pollStartedAt > this.holdAckAt + this.graceMs
    ) {
      this.hold = null;
      released.push(
        'Unleash shows the rollout flag enabled again after this instance disabled it: resumed elsewhere',
      );
    }
    const p = this.pending;
    if (p !== null && reflects(remote, p.target, p.parts)) this.pending = null;
    else if (p !== null && p.ackAt !== null && pollStartedAt > p.ackAt + this.graceMs) {
      this.pending = null;
      released.push(
        `Unleash shows another ${[...p.parts].join(', ')} than this instance wrote: following Unleash`,
      );
    }
    return released;
  }
}
