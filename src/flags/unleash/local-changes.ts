import type { FlagState, RollbackState } from '../../routing/types.js';
import { reflects, withParts, type Part } from './parts.js';

const NOT_ENGAGED: RollbackState = { engaged: false, trigger: null, reason: null, at: null };

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
 * - Stale readings: Unleash shows a change to polls up to a second late, so right after a resume
 *   and a new rollback (told by the fleet in milliseconds) a poll may still show the previous
 *   rollback. A rollback recorded no later than one resumed here (or announced resumed) is read
 *   as resumed, and one recorded before the hold does not release it, until `graceMs` after the
 *   resume was accepted: then Unleash is the truth again.
 */
export class LocalChanges {
  private hold: RollbackState | null = null;
  /** When Unleash accepted the hold's write (ms), or null while it is not written. */
  private holdAckAt: number | null = null;
  private pending: Pending | null = null;
  /** The last rollback resumed here or announced resumed, and when Unleash accepted the resume. */
  private resumed: { rollback: RollbackState; ackAt: number | null } | null = null;

  constructor(
    private readonly empty: FlagState,
    private readonly graceMs: number,
  ) {}

  view(reading: FlagState | null): FlagState | null {
    const remote = reading === null ? null : this.unstale(reading);
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

  /** `ended` (the rollback shown until now) is resumed: Unleash showing it again is a stale reading. */
  resume(ended: RollbackState): void {
    this.hold = null;
    if (ended.engaged) this.resumed = { rollback: ended, ackAt: null };
  }

  /** The hold as it is, to put back if a resume cannot be written. */
  saveHold(): SavedHold {
    return { hold: this.hold, ackAt: this.holdAckAt, resumed: this.resumed };
  }

  restoreHold(saved: SavedHold): void {
    this.hold = saved.hold;
    this.holdAckAt = saved.ackAt;
    this.resumed = saved.resumed;
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

  /** Unleash accepted `target` (and with it any resume written before it). */
  acknowledge(target: FlagState, at: number): void {
    if (this.pending?.target === target) this.pending.ackAt = at;
    if (this.resumed !== null && this.resumed.ackAt === null) this.resumed.ackAt = at;
  }

  abandon(target: FlagState): void {
    if (this.pending?.target === target) this.pending = null;
  }

  /** When Unleash's view wins again over a change of ours it has accepted (ms); 0: nothing waits. */
  graceEndsAt(): number {
    const acks = [
      this.hold === null ? null : this.holdAckAt,
      this.pending?.ackAt ?? null,
      this.resumed?.ackAt ?? null,
    ];
    const latest = Math.max(0, ...acks.filter((a): a is number => a !== null));
    return latest === 0 ? 0 : latest + this.graceMs;
  }

  /** A successful poll; answers what it released, in words, for the log. */
  observe(reading: FlagState, pollStartedAt: number): string[] {
    const released: string[] = [];
    const r = this.resumed;
    if (r !== null && r.ackAt !== null && pollStartedAt > r.ackAt + this.graceMs) {
      if (this.unstale(reading) !== reading)
        released.push('Unleash still shows engaged a rollback resumed since: following Unleash');
      this.resumed = null;
    }
    const remote = this.unstale(reading);
    const engaged = remote.rollback.engaged;
    if (this.hold !== null && engaged && !recordedBefore(remote.rollback, this.hold)) {
      this.hold = null;
      released.push('the local rollback is now reflected by Unleash');
    } else if (
      this.hold !== null &&
      this.holdAckAt !== null &&
      pollStartedAt > this.holdAckAt + this.graceMs
    ) {
      this.hold = null;
      released.push(
        engaged
          ? 'Unleash still shows an earlier rollback than this instance engaged: following Unleash'
          : 'Unleash shows the rollout flag enabled again after this instance disabled it: resumed elsewhere',
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

  /** The reading, with a rollback known to be resumed since shown as resumed. */
  private unstale(reading: FlagState): FlagState {
    const ended = this.resumed?.rollback;
    const stale = ended !== undefined && reading.rollback.engaged && !recordedAfter(reading.rollback, ended);
    return stale ? { ...reading, rollback: NOT_ENGAGED } : reading;
  }
}

interface SavedHold {
  hold: RollbackState | null;
  ackAt: number | null;
  resumed: { rollback: RollbackState; ackAt: number | null } | null;
}

/** `a` was engaged before `b`, by their records; unknown when either has no time (an external rollback). */
function recordedBefore(a: RollbackState, b: RollbackState): boolean {
  const [ta, tb] = [Date.parse(a.at ?? ''), Date.parse(b.at ?? '')];
  return ta < tb; // NaN compares false
}

/**
 * `a` is a later rollback than the resumed `b`. Two external rollbacks (no record) cannot be told
 * apart: the one seen is taken for the resumed one, for the grace at most.
 */
function recordedAfter(a: RollbackState, b: RollbackState): boolean {
  if (a.at === null && b.at === null) return false;
  const [ta, tb] = [Date.parse(a.at ?? ''), Date.parse(b.at ?? '')];
  return !(ta <= tb); // a record against none, or an unreadable one: a different rollback
}
