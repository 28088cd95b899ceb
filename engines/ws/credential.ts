import type { IncomingMessage } from 'node:http';
import { bearerToken, type TokenVerifier } from '../access-token.js';
import type { TicketStore } from '../types.js';

/** Where a handshake's sign-in was found. */
export type Credential =
  | { place: 'header' | 'subprotocol' | 'query'; jwt: string }
  | { place: 'ticket'; ticketId: string }
  | { place: 'none' };

export type Identity =
  { ok: true; userId: string; place: Credential['place'] } | { ok: false; reason: string };

/**
 * The first sign-in of a handshake, in the backend's order: `Authorization: Bearer`, then a
 * `jwt.<base64url(jwt)>` (or raw `jwt.<jwt>`) subprotocol, then `?token=`, then `?ticket=`.
 */
export function findCredential(req: IncomingMessage): Credential {
  const header = bearerToken(req.headers.authorization);
  if (header !== null) return { place: 'header', jwt: header };
  const offered = offeredSubprotocols(req.headers['sec-websocket-protocol']);
  const entry = offered.find((p) => p.startsWith('jwt.'));
  if (entry !== undefined) return { place: 'subprotocol', jwt: decodeSubprotocolToken(entry.slice(4)) };
  const query = new URL(req.url ?? '/', 'http://engine').searchParams;
  const token = query.get('token');
  if (token !== null && token !== '') return { place: 'query', jwt: token };
  const ticket = query.get('ticket');
  if (ticket !== null && ticket !== '') return { place: 'ticket', ticketId: ticket };
  return { place: 'none' };
}

/** Checks the credential; a ticket is consumed here (single use), as the backend does. */
export async function resolveIdentity(
  credential: Credential,
  verify: TokenVerifier,
  tickets: TicketStore,
): Promise<Identity> {
  switch (credential.place) {
    case 'none':
      return { ok: false, reason: 'No authentication provided' };
    case 'ticket': {
      const grant = tickets.consume(credential.ticketId);
      return grant === null
        ? { ok: false, reason: 'Invalid, expired or already used ticket' }
        : { ok: true, userId: grant.userId, place: 'ticket' };
    }
    case 'header':
    case 'subprotocol':
    case 'query': {
      const userId = await verify(credential.jwt);
      return userId === null
        ? { ok: false, reason: `Invalid token (${credential.place})` }
        : { ok: true, userId, place: credential.place };
    }
  }
}

export function offeredSubprotocols(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A JWT has dots and base64url has none: a dotted value is a raw JWT. */
function decodeSubprotocolToken(value: string): string {
  return value.includes('.') ? value : Buffer.from(value, 'base64url').toString('utf8');
}
