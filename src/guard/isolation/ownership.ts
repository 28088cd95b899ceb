/** One owned id: its owner and how many of the owner's sessions hold it. */
export interface Claim {
  readonly userId: string;
  refs: number;
}

/**
 * Who owns each run and thread id: the user whose own session introduced it. Shared by all
 * sessions of this process; bounded (oldest entries go first when full) and released when the
 * last session that registered an id ends. A session releases only the claim it holds, so an id
 * evicted and claimed again meanwhile is not released by a stale reference.
 */
export class OwnershipIndex {
  private readonly owners = new Map<string, Claim>();

  constructor(private readonly maxEntries = 200_000) {}

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
    if (this.owners.size >= this.maxEntries) {
      const oldest = this.owners.keys().next();
      if (oldest.done !== true) this.owners.delete(oldest.value);
    }
    const claim: Claim = { userId, refs: 1 };
    this.owners.set(id, claim);
    return claim;
  }

  release(id: string, claim: Claim): void {
    if (this.owners.get(id) !== claim) return;
    if (--claim.refs <= 0) this.owners.delete(id);
  }

  size(): number {
    return this.owners.size;
  }
}
