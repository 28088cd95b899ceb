/** One owned id: its owner and how many of the owner's sessions hold it. */
export interface Claim {
  readonly userId: string;
  refs: number;
}

export interface OwnershipLimits {
  /** Run and thread ids one user may own; their oldest go first (default 1,000). */
  perUser?: number;
  /** All users together (default 1,000,000). */
  total?: number;
}

/**
 * Who owns each run and thread id: the user the engine confirmed it for (SessionIsolation decides
 * when). Shared by all sessions of this process and released when the last session holding an
 * id ends. Bounded per user, so that no account can push out another's claims: a user over its
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
  private readonly perUser: number;
  private readonly total: number;
  /** Counts every id that stopped being owned: an id some user held can change hands only after. */
  drops = 0;

  constructor(limits: OwnershipLimits = {}) {
    this.perUser = limits.perUser ?? 1_000;
    this.total = limits.total ?? 1_000_000;
  }

  ownerOf(id: string): string | undefined {
    return this.owners.get(id)?.userId;
  }

  /** Registers `id` for `userId` unless another user owns it; returns the claim now held, or null. */
  claim(id: string, userId: string): Claim | null {
    const entry = this.owners.get(id);
    if (entry !== undefined) {
      if (entry.userId !== userId) return null;
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
    const claim: Claim = { userId, refs: 1 };
    this.owners.set(id, claim);
    const bytes = Buffer.byteLength(id);
    this.lengths.set(bytes, (this.lengths.get(bytes) ?? 0) + 1);
    mine.add(id);
    this.byUser.set(userId, mine); // an eviction may have emptied and dropped it
    return claim;
  }

  release(id: string, claim: Claim): void {
    if (this.owners.get(id) !== claim) return;
    if (--claim.refs <= 0) this.drop(id);
  }

  size(): number {
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

  private evictOldest(mine: Set<string>): void {
    const oldest = mine.values().next();
    if (oldest.done !== true) this.drop(oldest.value);
  }

  private drop(id: string): void {
    const claim = this.owners.get(id);
    if (claim === undefined) return;
    this.owners.delete(id);
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
