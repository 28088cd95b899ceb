import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sy1.';

export interface TicketTag {
  ticketId: string;
  userId: string;
  /** Unix seconds. */
  expiresAt: number;
}

/**
 * The proxy cannot validate a ticket (that consumes it), so it relays the engine's `ticket_id`
 * wrapped in a tag that binds it to the user: `sy1.<base64url(json)>.<hmac-sha256>`. Any replica
 * with the same TICKET_SECRET can unwrap it; the engine gets the original id back.
 */
export function wrapTicket(tag: TicketTag, secret: string): string {
  const body = Buffer.from(JSON.stringify({ t: tag.ticketId, u: tag.userId, e: tag.expiresAt })).toString(
    'base64url',
  );
  return `${PREFIX}${body}.${sign(body, secret)}`;
}

export type UnwrapResult =
  { ok: true; tag: TicketTag } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export function unwrapTicket(wrapped: string, secret: string, nowSeconds: number): UnwrapResult {
  if (!wrapped.startsWith(PREFIX)) return { ok: false, reason: 'malformed' };
  const dot = wrapped.lastIndexOf('.');
  if (dot <= PREFIX.length) return { ok: false, reason: 'malformed' };
  const body = wrapped.slice(PREFIX.length, dot);
  const mac = Buffer.from(wrapped.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(body, secret), 'base64url');
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected))
    return { ok: false, reason: 'forged' };
  let parsed: { t?: unknown; u?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof parsed.t !== 'string' || typeof parsed.u !== 'string' || typeof parsed.e !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (parsed.e <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, tag: { ticketId: parsed.t, userId: parsed.u, expiresAt: parsed.e } };
}

function sign(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
