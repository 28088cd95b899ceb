import { someToken } from './raw-tokens.js';

/** A user touched again within this long (at most a tenth of ttlMs) is not re-recorded. */
const RETOUCH_MS = 1000;

export interface KnownUsersOptions {
  /** How long a user stays known after their last sign-in or session (default 10 min). */
  ttlMs?: number;
  /** At most this many users; the least recently seen go first (default 100,000). */
  maxUsers?: number;
  now?: () => number;
}

/**
 * The users signed in on this instance now or recently: only their ids are proof of a leak
 * (a `user_id` that no one here signed in as proves nothing), and they are what the guard looks
 * for in frames it cannot parse. Fed by the WebSocket handshake (an open session keeps its user
 * known) and by the HTTP path (`touch`). Bounded by count and age.
 */
export class KnownUsers {
  private readonly open = new Map<string, number>();
  /** Every known user, least recently seen first, with when. */
  private readonly seen = new Map<string, number>();
  /** How many known ids have each UTF-8 byte length: frames are scanned only for these lengths. */
  private readonly lengths = new Map<number, number>();
  /** Counts users added: an id not known before can become known only after. */
  additions = 0;
  private readonly ttlMs: number;
  private readonly retouchMs: number;
  private readonly maxUsers: number;
  private readonly now: () => number;

  constructor(options: KnownUsersOptions = {}) {
    this.ttlMs = options.ttlMs ?? 600_000;
    this.retouchMs = Math.min(RETOUCH_MS, this.ttlMs / 10);
    this.maxUsers = options.maxUsers ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The user signed in (an HTTP request, a handshake): known for the next ttlMs. A user seen
   * within the last second is left as it is (every HTTP request touches: a busy user's requests
   * then cost one Map lookup, not a delete, an insert and a prune).
   */
  touch(userId: string): void {
    const now = this.now();
    const at = this.seen.get(userId);
    if (at !== undefined && now - at < this.retouchMs && now >= at) return;
    if (this.seen.delete(userId)) this.seen.set(userId, now);
    else this.insert(userId, now);
    this.prune(now);
  }

  /** A session of the user opened: known while it is open, and ttlMs after. Returns the closer. */
  enter(userId: string): () => void {
    this.open.set(userId, (this.open.get(userId) ?? 0) + 1);
    this.touch(userId);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const n = (this.open.get(userId) ?? 1) - 1;
      if (n <= 0) this.open.delete(userId);
      else this.open.set(userId, n);
      this.touch(userId);
    };
  }

  has(userId: string): boolean {
    if (this.open.has(userId)) return true;
    const at = this.seen.get(userId);
    return at !== undefined && this.now() - at <= this.ttlMs;
  }

  size(): number {
    return this.seen.size;
  }

  /**
   * A known user other than `self` named in raw bytes (a frame that is not JSON), or null. Only
   * pieces as long as some known id are looked up, so the cost is one pass over the frame.
   */
  foreignIn(raw: Buffer, self: string): string | null {
    let found: string | null = null;
    someToken(raw, (start, end) => {
      if (!this.lengths.has(end - start)) return false;
      const token = raw.toString('utf8', start, end);
      if (token === self || !this.has(token)) return false;
      found = token;
      return true;
    });
    return found;
  }

  private insert(userId: string, now: number): void {
    this.seen.set(userId, now);
    this.additions++;
    const len = Buffer.byteLength(userId);
    this.lengths.set(len, (this.lengths.get(len) ?? 0) + 1);
  }

  private remove(userId: string): void {
    this.seen.delete(userId);
    const len = Buffer.byteLength(userId);
    const n = (this.lengths.get(len) ?? 1) - 1;
    if (n <= 0) this.lengths.delete(len);
    else this.lengths.set(len, n);
  }

  /** Drops the expired and, over the cap, the least recent; users with an open session stay. */
  private prune(now: number): void {
    for (let budget = 8; budget > 0; budget--) {
      const oldest = this.seen.entries().next();
      if (oldest.done === true) return;
      const [userId, at] = oldest.value;
      const over = this.seen.size > this.maxUsers;
      if (!over && now - at <= this.ttlMs) return;
      if (this.open.has(userId)) {
        this.seen.delete(userId);
        this.seen.set(userId, now);
      } else this.remove(userId);
    }
  }
}
