import type { IdKind } from './id-keys.js';
import type { KnownUsers } from './known-users.js';
import { sameBytes } from './own-ids-only.js';
import type { OwnershipIndex } from './ownership.js';

interface Remembered {
  id: string;
  kind: IdKind;
  bytes: Buffer;
  /** The index's drop count and the registry's addition count when the id was last checked. */
  drops: number;
  additions: number;
}

const SIZE = 4;

/**
 * The last few ids a session found to be its own, as bytes: a run's frames repeat its ids, so the
 * shortcut recognises them without making a string. A remembered id stays good until an id is
 * dropped from the ownership index (a held id can change hands only after) or a user becomes
 * known (a thread id in `user_id` must not be a user's); then it is checked again.
 */
export class RecentOwnIds {
  private readonly entries: Remembered[] = [];

  constructor(
    private readonly index: OwnershipIndex,
    private readonly known: KnownUsers,
  ) {}

  /** true/false for a remembered id (re-checked with `holds` if stale), null when not remembered. */
  check(
    kind: IdKind,
    raw: Buffer,
    start: number,
    end: number,
    holds: (kind: IdKind, id: string) => boolean,
  ): boolean | null {
    for (const r of this.entries) {
      if (r.kind !== kind || !sameBytes(raw, start, end, r.bytes)) continue;
      if (r.drops === this.index.drops && r.additions === this.known.additions) return true;
      if (!holds(kind, r.id)) return false;
      r.drops = this.index.drops;
      r.additions = this.known.additions;
      return true;
    }
    return null;
  }

  /** An id just checked and found to be the session's own. */
  remember(kind: IdKind, id: string): void {
    if (this.entries.length >= SIZE) this.entries.shift();
    const { drops } = this.index;
    this.entries.push({ id, kind, bytes: Buffer.from(id), drops, additions: this.known.additions });
  }
}
