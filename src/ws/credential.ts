import type { IncomingMessage } from 'node:http';
import { bearerToken } from '../identity/bearer.js';

export type Credential =
  | { kind: 'jwt'; token: string; via: 'header' | 'subprotocol' | 'query' }
  | { kind: 'ticket'; wrapped: string }
  | { kind: 'none' };

/**
 * Where a WebSocket handshake carries its credential, in the backend's order (PROTOCOL.md):
 * Authorization header, `jwt.<base64url(jwt)>` subprotocol (a raw `jwt.<jwt>` too), `?token=`,
 * and the web client's `?ticket=`.
 */
export function handshakeCredential(req: IncomingMessage, query: URLSearchParams): Credential {
  const header = bearerToken(req.headers.authorization);
  if (header !== null) return { kind: 'jwt', token: header, via: 'header' };
  const offered = offeredProtocols(req);
  const jwtEntry = offered.find((p) => p.startsWith('jwt.'));
  if (jwtEntry !== undefined)
    return { kind: 'jwt', token: decodeProtocolToken(jwtEntry.slice(4)), via: 'subprotocol' };
  const token = query.get('token');
  if (token !== null && token !== '') return { kind: 'jwt', token, via: 'query' };
  const ticket = query.get('ticket');
  if (ticket !== null && ticket !== '') return { kind: 'ticket', wrapped: ticket };
  return { kind: 'none' };
}

export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** A JWT has three dot-separated parts; anything else is taken as base64url of one. */
function decodeProtocolToken(value: string): string {
  if (value.split('.').length === 3) return value;
  return Buffer.from(value, 'base64url').toString('utf8');
}

/** The subprotocol the proxy echoes: `jwt-auth` when offered, else a configured one, else none. */
export function chooseSubprotocol(offered: ReadonlySet<string>, allowed: readonly string[]): string | false {
  if (offered.has('jwt-auth')) return 'jwt-auth';
  for (const p of allowed) if (offered.has(p)) return p;
  return false;
}
