import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'x-switchyard-timestamp';
export const SIGNATURE_HEADER = 'x-switchyard-signature';

/**
 * The signature header's value: `sha256=` and the hex HMAC-SHA256, keyed by the webhook secret,
 * of `<timestamp>.<body>` (the timestamp in Unix seconds, the body byte for byte as sent).
 * Signing the timestamp with the body lets a receiver refuse replays of an old delivery.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (docs/notifications.md): recompute, compare in constant time, and refuse a
 * timestamp further than `toleranceSeconds` from its own clock.
 */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const { timestamp, signature } = headers;
  if (timestamp === undefined || signature === undefined || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
