/**
 * Keyset paging over the admin API's `{items, next?}`: the cursor of the page shown and of the
 * pages before it, so "Newer" goes back the way "Older" came. Page 1 (no cursor) is the newest
 * and follows new records as they arrive; an older page stays put.
 */
export class Pager {
  private readonly cursors: string[] = [];
  private next: string | undefined;

  /** The `&cursor=` part of the query for the page shown ('' on the newest page). */
  query(): string {
    const cursor = this.cursors.at(-1);
    return cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
  }

  /** 1 for the newest page. */
  get page(): number {
    return this.cursors.length + 1;
  }

  get hasOlder(): boolean {
    return this.next !== undefined;
  }

  get hasNewer(): boolean {
    return this.cursors.length > 0;
  }

  /** Takes the `next` of the page just read (absent: this is the oldest page). */
  read(next: unknown): void {
    this.next = typeof next === 'string' && next !== '' ? next : undefined;
  }

  /** Moves one page back in time; false when there is none. */
  older(): boolean {
    if (this.next === undefined) return false;
    this.cursors.push(this.next);
    this.next = undefined;
    return true;
  }

  /** Moves one page forward in time; false on the newest page. */
  newer(): boolean {
    if (this.cursors.length === 0) return false;
    // The page returned to leads to the one left: its `next` is the cursor popped.
    this.next = this.cursors.pop();
    return true;
  }

  /** Back to the newest page (the filters changed). */
  reset(): void {
    this.cursors.length = 0;
    this.next = undefined;
  }
}
