import type { RelaySession } from './relay-session.js';

/** The open sessions of this process, for liveness sweeps, drains and shutdown. */
export class SessionRegistry {
  private readonly sessions = new Set<RelaySession>();
  private readonly added = new Set<(session: RelaySession) => void>();

  add(session: RelaySession): void {
    this.sessions.add(session);
    for (const fn of this.added) fn(session);
  }

  delete(session: RelaySession): void {
    this.sessions.delete(session);
  }

  /** Called for every session added from now on (a drain adopts those decided before a flip). */
  onAdd(fn: (session: RelaySession) => void): () => void {
    this.added.add(fn);
    return () => void this.added.delete(fn);
  }

  all(): RelaySession[] {
    return [...this.sessions];
  }

  values(): IterableIterator<RelaySession> {
    return this.sessions.values();
  }

  size(): number {
    return this.sessions.size;
  }
}
