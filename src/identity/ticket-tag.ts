import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'sy2.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INFO = 'switchyard ticket tag v2';

export interface TicketTag {
  ticketId: string;
  userId: string;
  /** Unix seconds. */
  expiresAt: number;
}

/**
 * The proxy cannot validate a ticket (that consumes it), so it relays the engine's `ticket_id`
 * sealed in a tag that binds it to the user: `sy2.<base64url(iv | AES-256-GCM ciphertext | tag)>`,
 * the key derived from TICKET_SECRET with HKDF-SHA256. The raw ticket id is never readable in
 * the tag (it is the backend's own credential); any replica with the same secret can open it,
 * and the engine gets the original id back.
 */
export function wrapTicket(tag: TicketTag, secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), iv);
  const plain = Buffer.from(JSON.stringify({ t: tag.ticketId, u: tag.userId, e: tag.expiresAt }));
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${sealed.toString('base64url')}`;
}

export type UnwrapResult =
  { ok: true; tag: TicketTag } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

export function unwrapTicket(wrapped: string, secret: string, nowSeconds: number): UnwrapResult {
  if (!wrapped.startsWith(PREFIX)) return { ok: false, reason: 'malformed' };
  const sealed = Buffer.from(wrapped.slice(PREFIX.length), 'base64url');
  if (sealed.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plain = Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    return { ok: false, reason: 'forged' };
  }
  let parsed: { t?: unknown; u?: unknown; e?: unknown };
  try {
    parsed = JSON.parse(plain.toString('utf8')) as typeof parsed;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof parsed.t !== 'string' || typeof parsed.u !== 'string' || typeof parsed.e !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (parsed.e <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, tag: { ticketId: parsed.t, userId: parsed.u, expiresAt: parsed.e } };
}

const keys = new Map<string, Buffer>();

/** One derivation per secret (a process has one or two). */
function keyFor(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    key = Buffer.from(hkdfSync('sha256', secret, 'switchyard', INFO, 32));
    if (keys.size >= 4) keys.clear();
    keys.set(secret, key);
  }
  return key;
}
