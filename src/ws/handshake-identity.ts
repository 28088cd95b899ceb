import type { TokenVerifier } from '../identity/verifier.js';
import { unwrapTicket } from '../identity/ticket-tag.js';
import type { Credential } from './credential.js';

export type HandshakeIdentity =
  | { ok: true; userId: string; jwt: string | null; ticketId: string | null }
  | {
      ok: false;
      reason:
        'missing' | 'invalid' | 'expired' | 'no_subject' | 'ticket_forged' | 'ticket_expired' | 'timeout';
    };

/** Resolves a handshake's credential to a user, within a time bound. Never validates a ticket with the engine. */
export async function resolveIdentity(
  credential: Credential,
  verifier: TokenVerifier,
  ticketSecret: string,
  timeoutMs: number,
): Promise<HandshakeIdentity> {
  switch (credential.kind) {
    case 'none':
      return { ok: false, reason: 'missing' };
    case 'ticket': {
      const unwrapped = unwrapTicket(credential.wrapped, ticketSecret, Date.now() / 1000);
      if (!unwrapped.ok)
        return { ok: false, reason: unwrapped.reason === 'expired' ? 'ticket_expired' : 'ticket_forged' };
      return { ok: true, userId: unwrapped.tag.userId, jwt: null, ticketId: unwrapped.tag.ticketId };
    }
    case 'jwt': {
      const cached = verifier.cached(credential.token);
      if (cached !== undefined) return { ok: true, userId: cached, jwt: credential.token, ticketId: null };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<{ ok: false; reason: 'timeout' }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), timeoutMs);
      });
      const verified = await Promise.race([verifier.verify(credential.token), timeout]);
      clearTimeout(timer);
      if (!verified.ok) return verified;
      return { ok: true, userId: verified.userId, jwt: credential.token, ticketId: null };
    }
  }
}
