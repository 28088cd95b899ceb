import {
  mayBeTerminal,
  normaliseText,
  SessionComparator,
  type Judgement,
  type Side,
  type SessionComparatorOptions,
} from '../compare/index.js';
import type { Evidence, SessionIsolation } from '../isolation/session-isolation.js';
import type { Engine } from '../routing/types.js';
import type { SessionObserver } from '../ws/session-observer.js';
import { ShadowSocket, type ShadowSocketLimits, type SocketFailure } from './shadow-socket.js';
import type { Sweepable } from './sweep-clock.js';

export interface WsShadowInit {
  url: string;
  /** `Authorization: Bearer <the user's jwt>` and `x-switchyard-shadow: 1`. */
  headers: Record<string, string>;
  control: Engine;
  candidate: Engine;
  /** The engine serving the session now (a refused `user` connect may fall back to legacy). */
  servedBy: () => Engine;
  limits: ShadowSocketLimits;
  comparison: Pick<SessionComparatorOptions, 'runTimeoutMs' | 'maxPendingRuns' | 'maxEventsPerRun' | 'diff'>;
  /** Which client frames are copied to the shadow engine. */
  copies: (type: string | null, isBinary: boolean) => boolean;
  /** After the client leaves, how long runs in flight may still finish. */
  closeGraceMs: number;
  /**
   * Copies reach the shadow socket this much later (a legacy baseline: the legacy engine keys runs
   * by agent and millisecond, so a copy started in the live run's millisecond would cross it).
   */
  staggerMs?: number;
  /** The isolation guard of the candidate stream (its own ownership index, not the live one). */
  guard: SessionIsolation;
  onJudgement(judgement: Judgement, runIndex: number): void;
  /** The shadow engine sent this session another user's frame (never delivered: a leak all the same). */
  onLeak(evidence: Evidence): void;
  onDropped(reason: SocketFailure): void;
  /** Frames the shadow engine sent since the last call: counted per sweep, not per frame. */
  onShadowFrames(count: number): void;
  onError(error: unknown): void;
  /** Called once when the shadow is over: release its place. */
  onEnd(shadow: WsShadow): void;
  now?: () => number;
}

/**
 * The shadow of one client session, as a passive observer of its relay: client frames are
 * copied to a second socket to the other engine (a baseline: to the same engine); the frames served to the client (control)
 * and the shadow engine's frames (candidate) go only to a comparator. It holds no reference to
 * the client's socket, so no shadow frame can reach the client. A shadow socket that never
 * opens is dropped (counted by reason, nothing judged); one given up or closed after opening
 * ends the comparison, its runs in flight judged `incomplete`.
 */
export class WsShadow implements SessionObserver, Sweepable {
  private readonly socket: ShadowSocket;
  private readonly comparator: SessionComparator;
  private readonly now: () => number;
  private clientLeftAt: number | null = null;
  private ended = false;
  private shadowFrames = 0;

  constructor(private readonly init: WsShadowInit) {
    this.now = init.now ?? Date.now;
    this.comparator = new SessionComparator({
      ...init.comparison,
      control: init.control,
      candidate: init.candidate,
      onJudgement: (judgement, runIndex) => this.judged(judgement, runIndex),
      onError: (error) => init.onError(error),
    });
    this.socket = new ShadowSocket(init.url, init.headers, init.limits, {
      onFrame: (data, isBinary) => this.fromShadow(data, isBinary),
      onFailed: (reason, opened) => {
        init.onDropped(reason);
        this.end(this.now(), opened);
      },
      onClosed: () => this.end(this.now(), true),
    });
  }

  onClientFrame(data: Buffer, isBinary: boolean, type: string | null, at: number): void {
    if (this.ended || this.clientLeftAt !== null || !this.init.copies(type, isBinary)) return;
    // The session fell back to another engine: there is nothing left to compare.
    if (this.init.servedBy() !== this.init.control) return this.end(at, false);
    if (!isBinary) this.init.guard.checkClientFrame(data);
    const stagger = this.init.staggerMs ?? 0;
    if (stagger > 0) {
      // The run starts now for the comparator (control events may come first); a late send
      // that fails ends the shadow, and its runs are judged incomplete.
      if (type !== null) this.comparator.onClientFrame(type, at);
      setTimeout(() => this.socket.send(data, isBinary), stagger).unref();
      return;
    }
    if (!this.socket.send(data, isBinary)) return;
    if (type !== null) this.comparator.onClientFrame(type, at);
  }

  onServedFrame(data: Buffer, at: number, leaked: boolean): void {
    if (this.ended) return;
    // The session fell back to another engine: there is nothing left to compare.
    if (this.init.servedBy() !== this.init.control) return this.end(at, false);
    if (leaked) {
      this.comparator.markLeak('control');
      return;
    }
    this.compare('control', data, at);
  }

  /** The client left: runs in flight get `closeGraceMs` to finish on both sides. */
  onClose(at: number): void {
    if (this.ended || this.clientLeftAt !== null) return;
    this.clientLeftAt = at;
    if (this.comparator.pendingRuns() === 0 || !this.socket.isOpen) this.end(at, true);
  }

  sweep(now: number): void {
    this.countFrames();
    this.socket.checkDeadline(now);
    if (this.ended) return;
    this.comparator.expire(now);
    const left = this.clientLeftAt;
    if (left !== null && (this.comparator.pendingRuns() === 0 || now - left >= this.init.closeGraceMs)) {
      this.end(now, true);
    }
  }

  /** Ends the shadow now (proxy shutdown): runs in flight are judged `incomplete`. */
  stop(): void {
    this.end(this.now(), true);
  }

  private fromShadow(data: Buffer, isBinary: boolean): void {
    this.shadowFrames++;
    if (this.ended || isBinary) return;
    const verdict = this.init.guard.checkEngineFrame(data);
    if (!verdict.ok) {
      this.init.onLeak(verdict.evidence);
      this.comparator.markLeak('candidate');
      return;
    }
    this.compare('candidate', data, this.now());
  }

  /**
   * Hands a frame to `side`'s comparator, parsed only when it can change a judgement: a side with
   * no run open ignores it; past the per-run event cap (the run is judged `overflow`) only the
   * run's terminal event matters, so a frame that cannot be one is counted and not parsed. The
   * parse is most of the shadow's CPU per frame (bench/results/PROFILE.md).
   */
  private compare(side: Side, data: Buffer, at: number): void {
    const comparator = this.comparator;
    if (!comparator.inRun(side)) return;
    if (comparator.overflowed(side) && !mayBeTerminal(data)) return comparator.dropUnread(side);
    const event = normaliseText(data.toString('utf8'), at);
    if (event !== null) comparator.onEvent(side, event);
  }

  private countFrames(): void {
    if (this.shadowFrames === 0) return;
    this.init.onShadowFrames(this.shadowFrames);
    this.shadowFrames = 0;
  }

  private judged(judgement: Judgement, runIndex: number): void {
    this.init.onJudgement(judgement, runIndex);
    if (this.clientLeftAt !== null && this.comparator.pendingRuns() === 0) this.end(this.now(), true);
  }

  /** Releases everything the shadow holds; `judge` false discards runs in flight unjudged. */
  private end(now: number, judge: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.countFrames();
    if (judge) this.comparator.close(now);
    this.socket.close();
    this.init.guard.close();
    this.init.onEnd(this);
  }
}
