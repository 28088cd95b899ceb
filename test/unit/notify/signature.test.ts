import { signWebhook, verifyWebhook } from '../../../src/notify/signature.js';

const SECRET = 'webhook-secret-for-tests-0123456789abcdef';
const BODY = '{"type":"resume"}';

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>" (vector computed with openssl dgst -hmac)', () => {
    expect(signWebhook(SECRET, '1700000000', BODY)).toBe(
      'sha256=ed216d229c67889079e0582f5a3295013dd47dce88a65543e95759ebdc2952b6',
    );
  });

  const headers = (timestamp: string, body = BODY, secret = SECRET) => ({
    timestamp,
    signature: signWebhook(secret, timestamp, body),
  });

  it('verifies a delivery signed with the same secret within the tolerance', () => {
    expect(verifyWebhook(SECRET, headers('1700000000'), BODY, 1_700_000_100)).toBe(true);
  });

  it('refuses a changed body, another secret, a moved timestamp, a replay outside the tolerance, missing headers', () => {
    expect(verifyWebhook(SECRET, headers('1700000000'), '{"type":"rollback"}', 1_700_000_000)).toBe(false);
    expect(verifyWebhook(SECRET, headers('1700000000', BODY, `${SECRET}x`), BODY, 1_700_000_000)).toBe(false);
    const moved = { ...headers('1700000000'), timestamp: '1700000001' };
    expect(verifyWebhook(SECRET, moved, BODY, 1_700_000_000)).toBe(false);
    expect(verifyWebhook(SECRET, headers('1700000000'), BODY, 1_700_000_301)).toBe(false);
    expect(verifyWebhook(SECRET, { timestamp: undefined, signature: undefined }, BODY, 1_700_000_000)).toBe(
      false,
    );
    expect(
      verifyWebhook(SECRET, { timestamp: '1700000000', signature: 'sha256=00' }, BODY, 1_700_000_000),
    ).toBe(false);
  });
});
