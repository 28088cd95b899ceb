/** One owned id: its owner, how many of the owner's sessions hold it, and when the last let go. */
export interface Claim {
  readonly userId: string;
  refs: number;
  releasedAt: number;
}

export interface OwnershipLimits {
  /** Run and thread ids one user may own; their oldest go first (default 1,000). */
  perUser?: number;
  /** All users together (default 1,000,000). */
  total?: number;
  /**
   * How long an id stays its owner's after the owner's last session holding it ended (default
   * 60 s): the web client reconnects at once, and a run going on meanwhile must still reach it.
   */
  lingerMs?: number;
  now?: () => number;
}

/**
 * Who owns each run and thread id: the user the engine confirmed it for (SessionIsolation decides
 * when). Shared by all sessions of this process and released `lingerMs` after the last session
 * holding an id ended (a reconnecting client gets its run back; nobody else can take the id
 * meanwhile). Expired claims are dropped as they are met and in small sweeps. Bounded per user, so that no account can push out another's claims: a user over its
 * bound loses its own oldest id; only when the whole index is full does a user that holds nothing
 * yet push out the oldest id of all. A session releases only the claim it holds, so an id evicted
 * and claimed again meanwhile is not released by a stale reference.
 */
export class OwnershipIndex {
  private readonly owners = new Map<string, Claim>();
  /** Each user's ids, oldest first. */
  private readonly byUser = new Map<string, Set<string>>();
  /** How many owned ids have each UTF-8 byte length: raw scans look up only pieces of these lengths. */
  private readonly lengths = new Map<number, number>();
  /** Claims no session holds any more, oldest release first. */
  private readonly lingering = new Map<string, Claim>();
  private readonly perUser: number;
  private readonly total: number;
  private readonly lingerMs: number;
  private readonly now: () => number;
  /** Counts every id that stopped being owned: an id some user held can change hands only after. */
  drops = 0;

  constructor(limits: OwnershipLimits = {}) {
    this.perUser = limits.perUser ?? 1_000;
    this.total = limits.total ?? 1_000_000;
    this.lingerMs = limits.lingerMs ?? 60_000;
    this.now = limits.now ?? Date.now;
  }

  ownerOf(id: string): string | undefined {
    const claim = this.owners.get(id);
    if (claim === undefined) return undefined;
    if (claim.refs === 0 && this.expired(claim, this.now())) {
      this.drop(id);
      return undefined;
    }
    return claim.userId;
  }

  /** Registers `id` for `userId` unless another user owns it; returns the claim now held, or null. */
  claim(id: string, userId: string): Claim | null {
    this.sweep();
    const entry = this.owners.get(id);
    if (entry !== undefined && this.ownerOf(id) !== undefined) {
      if (entry.userId !== userId) return null;
      if (entry.refs === 0) this.lingering.delete(id);
      entry.refs++;
      return entry;
    }
    let mine = this.byUser.get(userId);
    if (mine === undefined) this.byUser.set(userId, (mine = new Set()));
    if (mine.size >= this.perUser || (this.owners.size >= this.total && mine.size > 0))
      this.evictOldest(mine);
    else if (this.owners.size >= this.total) {
      const oldest = this.owners.keys().next();
      if (oldest.done !== true) this.drop(oldest.value);
    }
    const claim: Claim = { userId, refs: 1, releasedAt: 0 };
    this.owners.set(id, claim);
    const bytes = Buffer.byteLength(id);
    this.lengths.set(bytes, (this.lengths.get(bytes) ?? 0) + 1);
    mine.add(id);
    this.byUser.set(userId, mine); // an eviction may have emptied and dropped it
    return claim;
  }

  release(id: string, claim: Claim): void {
    if (this.owners.get(id) !== claim || claim.refs <= 0) return;
    if (--claim.refs > 0) return;
    if (this.lingerMs <= 0) return this.drop(id);
    claim.releasedAt = this.now();
    this.lingering.set(id, claim);
    this.sweep();
  }

  /** Ids owned now (expired claims are dropped first). */
  size(): number {
    this.sweep(Number.POSITIVE_INFINITY);
    return this.owners.size;
  }

  /** Whether some owned id is `bytes` long in UTF-8 (a cheap filter before a lookup). */
  hasByteLength(bytes: number): boolean {
    return this.lengths.has(bytes);
  }

  /** How many ids `userId` owns. */
  heldBy(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  private expired(claim: Claim, now: number): boolean {
    return now - claim.releasedAt >= this.lingerMs;
  }

  /** Drops a few expired claims (oldest release first): the index never waits on a timer. */
  private sweep(max = 16): void {
    if (this.lingering.size === 0) return;
    const now = this.now();
    for (const [id, claim] of this.lingering) {
      if (max-- <= 0 || !this.expired(claim, now)) return;
      this.drop(id);
    }
  }

  private evictOldest(mine: Set<string>): void {
    const oldest = mine.values().next();
    if (oldest.done !== true) this.drop(oldest.value);
  }

  private drop(id: string): void {
    const claim = this.owners.get(id);
    if (claim === undefined) return;
    this.owners.delete(id);
    this.lingering.delete(id);
    this.drops++;
    const bytes = Buffer.byteLength(id);
    const n = (this.lengths.get(bytes) ?? 1) - 1;
    if (n <= 0) this.lengths.delete(bytes);
    else this.lengths.set(bytes, n);
    const mine = this.byUser.get(claim.userId);
    mine?.delete(id);
    if (mine?.size === 0) this.byUser.delete(claim.userId);
  }
}
