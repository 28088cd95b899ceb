import { SqliteStore } from '../../../src/store/sqlite-store.js';
import type { AuditEntry, DivergenceRecord } from '../../../src/store/types.js';

/**
 * A real SQLite store whose writes stop answering and whose reads fail while `down` is set:
 * the shape of a database that hangs under load or went away mid-flight.
 */
export class UnavailableStore extends SqliteStore {
  down = true;
  writesStarted = 0;
  private release: Array<() => void> = [];

  override async addDivergences(records: readonly DivergenceRecord[]): Promise<void> {
    this.writesStarted += 1;
    if (this.down) await new Promise<void>((r) => this.release.push(r));
    return super.addDivergences(records);
  }

  override async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    this.writesStarted += 1;
    if (this.down) await new Promise<void>((r) => this.release.push(r));
    return super.appendAudit(entries);
  }

  override searchDivergences(...args: Parameters<SqliteStore['searchDivergences']>) {
    return this.down ? Promise.reject(new Error('connection refused')) : super.searchDivergences(...args);
  }

  /** The store comes back: the writes held so far go through. */
  recover(): void {
    this.down = false;
    for (const r of this.release.splice(0)) r();
  }
}
