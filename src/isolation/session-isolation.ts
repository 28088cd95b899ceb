import { isUtf8 } from 'node:buffer';
import { isRunStart } from '../compare/index.js';
import { scanFrame, type FrameIds } from './frame-ids.js';
import type { IdKind } from './id-keys.js';
import { KnownUsers } from './known-users.js';
import { ownIdsOnly, sameBytes, type OwnIdCheck } from './own-ids-only.js';
import type { Claim, OwnershipIndex } from './ownership.js';
import { PendingStarts } from './pending-starts.js';
import { RecentOwnIds } from './recent-own-ids.js';
import { someToken } from './raw-tokens.js';

/**
 * What a violation rests on: `user_id` = the frame named another user known to this instance
 * (proof); `ownership` = anything weaker (a run or thread owned by someone else, a run no start
 * of this session explains, a `user_id` no one here signed in as, an uncheckable binary frame).
 */
export type Evidence = 'user_id' | 'ownership';

/** `type` is the frame's top-level type when it was parsed, else undefined. */
export type Verdict =
  | { ok: true; type: string | null | undefined }
  | { ok: false; evidence: Evidence; type: string | null | undefined };

export interface SessionIsolationOptions {
  knownUsers?: KnownUsers;
  /** Deliver a run id no start of this session explains (WS_ALLOW_ENGINE_RUNS); default false. */
  allowEngineRuns?: boolean;
  now?: () => number;
}

/** Engine events that confirm a thread the client named. */
const THREAD_EVENTS: ReadonlySet<string> = new Set(['thread_created', 'thread_loaded', 'thread_switched']);
const MAX_HELD = 2_000;
const MAX_NAMED = 1_000;
const OK: Verdict = { ok: true, type: undefined };

/**
 * The isolation guard of one session (PROTOCOL.md, "What a leak is"; docs/decisions.md,
 * "WebSocket"). Ownership comes from the engine: a run id is this user's when it binds to a run
 * this session's client started, or arrives with this user's own user id; a thread id when the
 * engine sends it with this user's id, within this user's run, or in a thread event for a thread
 * the client named. A client naming an id claims nothing. A blocked frame registers nothing.
 */
export class SessionIsolation {
  private readonly held = new Map<string, Claim>();
  /** Thread ids this client named, not confirmed by the engine: they pass in its own frames. */
  private readonly named = new Set<string>();
  private readonly starts: PendingStarts;
  private readonly known: KnownUsers;
  private readonly selfBytes: Buffer;
  private readonly recent: RecentOwnIds;

  constructor(
    private readonly userId: string,
    private readonly index: OwnershipIndex,
    private readonly options: SessionIsolationOptions = {},
  ) {
    this.known = options.knownUsers ?? new KnownUsers();
    this.selfBytes = Buffer.from(userId);
    this.recent = new RecentOwnIds(index, this.known);
    this.starts = new PendingStarts(options.now ?? Date.now);
  }

  checkEngineFrame(data: Buffer, isBinary = false): Verdict {
    // Most frames name only this session's own ids: proven on the bytes, not parsed.
    if ((!isBinary || isUtf8(data)) && ownIdsOnly(data, this.isOwn)) return OK;
    const scan = scanFrame(data, isBinary);
    if (scan.kind === 'clean') return OK;
    if (scan.kind === 'opaque') {
      const evidence = this.opaqueEvidence(data) ?? (isBinary && scan.idKey ? 'ownership' : null);
      return evidence === null ? { ok: true, type: null } : { ok: false, evidence, type: null };
    }
    const ids = scan.ids;
    const evidence = this.engineEvidence(ids);
    if (evidence !== null) return { ok: false, evidence, type: ids.type };
    this.confirm(ids);
    return { ok: true, type: ids.type };
  }

  /** A client frame: refused when it names another known user, or an id another user owns. */
  checkClientFrame(data: Buffer, isBinary = false): Verdict {
    const scan = scanFrame(data, isBinary);
    if (scan.kind === 'clean') return OK;
    if (scan.kind === 'opaque') {
      const evidence = this.opaqueEvidence(data);
      return evidence === null ? { ok: true, type: null } : { ok: false, evidence, type: null };
    }
    const ids = scan.ids;
    const evidence = this.clientEvidence(ids);
    if (evidence !== null) return { ok: false, evidence, type: ids.type };
    for (const t of ids.threadIds) if (this.named.size < MAX_NAMED) this.named.add(t);
    if (ids.type !== null && isRunStart(ids.type)) this.starts.push(ids.threadIds[0] ?? null);
    return { ok: true, type: ids.type };
  }

  /**
   * An id the full check would pass with nothing to register: this user's own id, or a run or
   * thread this session holds (also a thread id in `user_id`, unless it is a user's).
   */
  private readonly isOwn: OwnIdCheck = (kind, raw, start, end) => {
    if (end === start) return true;
    if (kind === 'user' && sameBytes(raw, start, end, this.selfBytes)) return true;
    const remembered = this.recent.check(kind, raw, start, end, this.holds);
    if (remembered !== null) return remembered;
    const id = raw.toString('utf8', start, end);
    if (kind === 'user' && id === this.userId) return true;
    if (!this.holds(kind, id)) return false;
    this.recent.remember(kind, id);
    return true;
  };

  /** As the full check sees it: a user's id is never a thread or a `user_id` of this session. */
  private readonly holds = (kind: IdKind, id: string): boolean => {
    if (kind !== 'run' && this.known.has(id)) return false;
    return this.held.has(id) && this.index.ownerOf(id) === this.userId;
  };

  /** Releases every id this session registered. */
  close(): void {
    for (const [id, claim] of this.held) this.index.release(id, claim);
    this.held.clear();
  }

  /** A frame that is not JSON: another known user's id, or an id another user owns, in its bytes. */
  private opaqueEvidence(data: Buffer): Evidence | null {
    if (this.known.foreignIn(data, this.userId) !== null) return 'user_id';
    const owned = someToken(data, (start, end) => {
      if (!this.index.hasByteLength(end - start)) return false;
      const owner = this.index.ownerOf(data.toString('utf8', start, end));
      return owner !== undefined && owner !== this.userId;
    });
    return owned ? 'ownership' : null;
  }

  private engineEvidence(ids: FrameIds): Evidence | null {
    const runs = this.runsOf(ids);
    for (const u of ids.userIds) {
      if (u === this.userId) continue;
      if (this.known.has(u)) return 'user_id';
      // One backend path fills user_id with the thread id: legitimate for a thread confirmed as
      // ours, or one this client named arriving within its own run (which confirms it).
      if (this.index.ownerOf(u) === this.userId) continue;
      if (runs === 'mine' && this.named.has(u) && ids.threadIds.includes(u)) continue;
      return 'ownership';
    }
    for (const t of ids.threadIds) if (this.othersId(t)) return 'ownership';
    return runs === 'foreign' ? 'ownership' : null;
  }

  /**
   * The frame's run ids: `mine` when each is this user's or binds to a start of this session (or
   * arrives with this user's id), `foreign` when one is another's or explained by nothing (unless
   * engine-initiated runs are allowed: `other`), `none` without run ids.
   */
  private runsOf(ids: FrameIds): 'none' | 'mine' | 'other' | 'foreign' {
    if (ids.runIds.length === 0) return 'none';
    let unbound = 0;
    for (const r of ids.runIds) {
      const owner = this.index.ownerOf(r);
      if (owner === this.userId) continue;
      if (owner !== undefined) return 'foreign';
      unbound++;
    }
    if (unbound === 0 || ids.userIds.includes(this.userId)) return 'mine';
    if (unbound <= this.starts.size && this.starts.find(ids.threadIds) >= 0) return 'mine';
    return this.options.allowEngineRuns === true ? 'other' : 'foreign';
  }

  private clientEvidence(ids: FrameIds): Evidence | null {
    for (const u of ids.userIds) {
      if (u === this.userId) continue;
      if (this.known.has(u)) return 'user_id';
      if (!this.named.has(u) && !ids.threadIds.includes(u) && this.index.ownerOf(u) !== this.userId)
        return 'ownership';
    }
    for (const t of ids.threadIds) if (this.othersId(t)) return 'ownership';
    for (const r of ids.runIds) if (this.othersId(r)) return 'ownership';
    return null;
  }

  /** Owned by another user, or another known user's own id (never a thread or run of this user). */
  private othersId(id: string): boolean {
    const owner = this.index.ownerOf(id);
    if (owner !== undefined) return owner !== this.userId;
    return id !== this.userId && this.known.has(id);
  }

  /** Registers what a clean engine frame confirms as this user's. */
  private confirm(ids: FrameIds): void {
    const mine = ids.userIds.includes(this.userId);
    let inMyRun = false;
    for (const r of ids.runIds) {
      if (this.index.ownerOf(r) === this.userId) inMyRun = true;
      else if (mine) {
        this.starts.take(this.starts.find(ids.threadIds)); // the start it answers, if any
        inMyRun = this.claim(r) || inMyRun;
      } else {
        const start = this.starts.find(ids.threadIds);
        if (start < 0) continue; // an engine-initiated run, delivered by configuration
        this.starts.take(start);
        inMyRun = this.claim(r) || inMyRun;
      }
    }
    const threadEvent = ids.type !== null && THREAD_EVENTS.has(ids.type);
    for (const t of ids.threadIds) {
      if (mine || inMyRun || (threadEvent && this.named.has(t))) this.claim(t);
    }
  }

  private claim(id: string): boolean {
    if (this.held.has(id)) return true;
    if (this.held.size >= MAX_HELD) this.releaseOldest();
    const claim = this.index.claim(id, this.userId);
    if (claim === null) return false;
    this.held.set(id, claim);
    this.named.delete(id);
    return true;
  }

  private releaseOldest(): void {
    const oldest = this.held.entries().next();
    if (oldest.done === true) return;
    this.held.delete(oldest.value[0]);
    this.index.release(oldest.value[0], oldest.value[1]);
  }
}
