import { frameIds, mayCarryIds, type FrameIds } from './frame-ids.js';
import type { Claim, OwnershipIndex } from './ownership.js';

export type Evidence = 'user_id' | 'ownership';

export type Verdict = { ok: true; ids: FrameIds | null } | { ok: false; evidence: Evidence; ids: FrameIds };

const MAX_IDS_PER_SESSION = 1000;

/**
 * The isolation guard of one session (ARCHITECTURE.md, "Isolation guard"). Engine frames:
 * another user's `user_id`, or a run/thread id owned by another user, is a violation; a frame
 * that also carries this session's own user id registers its run/thread ids as this user's. A
 * blocked frame registers nothing. Client frames register what they name, unless it is another
 * user's. One JSON parse per frame at most, and only for frames that can carry an id.
 */
export class SessionGuard {
  private readonly held = new Map<string, Claim>();

  constructor(
    private readonly userId: string,
    private readonly index: OwnershipIndex,
  ) {}

  checkEngineFrame(text: string | Buffer): Verdict {
    if (!mayCarryIds(text)) return { ok: true, ids: null };
    const ids = frameIds(text);
    if (ids === null) return { ok: true, ids: null };
    if (this.foreignUser(ids)) return { ok: false, evidence: 'user_id', ids };
    if (this.foreignId(ids)) return { ok: false, evidence: 'ownership', ids };
    if (ids.userIds.includes(this.userId)) this.claimAll(ids);
    return { ok: true, ids };
  }

  /** A client frame, parsed by the relay when it can name an id (null otherwise): pass the parse. */
  checkClientFrame(ids: FrameIds | null): Verdict {
    if (ids === null) return { ok: true, ids: null };
    if (this.foreignUser(ids)) return { ok: false, evidence: 'user_id', ids };
    if (this.foreignId(ids)) return { ok: false, evidence: 'ownership', ids };
    this.claimAll(ids);
    return { ok: true, ids };
  }

  /** Releases every id this session registered. */
  close(): void {
    for (const [id, claim] of this.held) this.index.release(id, claim);
    this.held.clear();
  }

  /** Another user's id; one backend path fills user_id with a thread id, legitimate when it is ours. */
  private foreignUser(ids: FrameIds): boolean {
    for (const u of ids.userIds) if (u !== this.userId && this.index.ownerOf(u) !== this.userId) return true;
    return false;
  }

  private foreignId(ids: FrameIds): boolean {
    for (const id of ids.runIds) if (this.isForeign(id)) return true;
    for (const id of ids.threadIds) if (this.isForeign(id)) return true;
    return false;
  }

  private isForeign(id: string): boolean {
    const owner = this.index.ownerOf(id);
    return owner !== undefined && owner !== this.userId;
  }

  private claimAll(ids: FrameIds): void {
    for (const id of ids.runIds) this.claim(id);
    for (const id of ids.threadIds) this.claim(id);
  }

  private claim(id: string): void {
    if (this.held.has(id) || this.held.size >= MAX_IDS_PER_SESSION) return;
    const claim = this.index.claim(id, this.userId);
    if (claim !== null) this.held.set(id, claim);
  }
}
