import type { RelaySession } from './relay-session.js';

/** The open sessions of this process, for liveness sweeps, drains and shutdown. */
export class SessionRegistry {
  private readonly sessions = new Set<RelaySession>();

  add(session: RelaySession): void {
    this.sessions.add(session);
  }

  delete(session: RelaySession): void {
    this.sessions.delete(session);
  }

  all(): RelaySession[] {
    return [...this.sessions];
  }

  size(): number {
    return this.sessions.size;
  }
}
