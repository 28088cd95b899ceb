import { randomBytes } from 'node:crypto';
import type { TicketStore } from './types.js';

export interface TicketStoreOptions {
  /** Clock in ms, for tests. */
  now?: () => number;
  /** Most tickets held at once; the oldest is dropped beyond it. Default 10,000. */
  maxEntries?: number;
}

interface Entry {
  userId: string;
  jwt: string;
  expiresAt: number;
}

const SWEEP_EVERY_MS = 10_000;

/**
 * Opaque single-use tickets, shared by both engines as the backend's share Redis. Expired
 * entries are swept on issue (at most every 10 s), and the store never holds more than
 * `maxEntries`: no timers, so nothing outlives the store's users.
 */
export function createTicketStore(options: TicketStoreOptions = {}): TicketStore {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();
  let lastSweep = now();

  function sweep(at: number): void {
    if (at - lastSweep < SWEEP_EVERY_MS && entries.size < maxEntries) return;
    lastSweep = at;
    for (const [id, entry] of entries) if (entry.expiresAt <= at) entries.delete(id);
    for (const id of entries.keys()) {
      if (entries.size < maxEntries) break;
      entries.delete(id);
    }
  }

  return {
    issue(userId, jwt, ttlSeconds) {
      const createdAt = now();
      sweep(createdAt);
      const ticketId = randomBytes(24).toString('base64url');
      const expiresAt = createdAt + ttlSeconds * 1000;
      entries.set(ticketId, { userId, jwt, expiresAt });
      return {
        ticket_id: ticketId,
        expires_at: new Date(expiresAt).toISOString(),
        created_at: new Date(createdAt).toISOString(),
      };
    },
    consume(ticketId) {
      const entry = entries.get(ticketId);
      if (entry === undefined) return null;
      entries.delete(ticketId);
      if (entry.expiresAt <= now()) return null;
      return { userId: entry.userId, jwt: entry.jwt };
    },
    size: () => entries.size,
  };
}
