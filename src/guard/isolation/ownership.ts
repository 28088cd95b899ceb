/**
 * Who owns each run and thread id: the user whose own session introduced it. Shared by all
 * sessions of this process; bounded (oldest entries go first when full) and released when the
 * last session that registered an id ends.
 */
export class OwnershipIndex {
  private readonly owners = new Map<string, { userId: string; refs: number }>();

  constructor(private readonly maxEntries = 200_000) {}

  ownerOf(id: string): string | undefined {
    return this.owners.get(id)?.userId;
  }

  /** Registers `id` for `userId` unless another user owns it; returns whether the caller now holds a reference. */
  claim(id: string, userId: string): boolean {
    const entry = this.owners.get(id);
    if (entry !== undefined) {
      if (entry.userId !== userId) return false;
      entry.refs++;
      return true;
    }
    if (this.owners.size >= this.maxEntries) {
      const oldest = this.owners.keys().next();
      if (oldest.done !== true) this.owners.delete(oldest.value);
    }
    this.owners.set(id, { userId, refs: 1 });
    return true;
  }

  release(id: string, userId: string): void {
    const entry = this.owners.get(id);
    if (entry === undefined || entry.userId !== userId) return;
    if (--entry.refs <= 0) this.owners.delete(id);
  }

  size(): number {
    return this.owners.size;
  }
}
