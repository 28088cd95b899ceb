import { unwrapTicket, wrapTicket } from '../../../src/identity/ticket-tag.js';
import { wsQueryUserIdMismatch } from '../../../src/ws/query-user-id.js';

const SECRET = 'ticket-secret-for-tests-0123456789abcdef';

describe('wsQueryUserIdMismatch', () => {
  it.each([
    '?user_id=bob',
    '?user%5Fid=bob',
    '?%75ser_id=bob',
    '?%75ser%5fid=bob',
    '?USER_ID=bob',
    '?a=1&user_id=alice&user_id=bob',
    '?user_id',
    '?user_id=alice%',
    '?%E0%A4%A=1',
  ])('refuses %s for alice', (query) => {
    expect(wsQueryUserIdMismatch(query, 'alice')).toBe(true);
  });

  it.each(['', '?', '?user_id=alice', '?user%5Fid=alice', '?ticket=x&thread=user_id', '?users_id=bob'])(
    'accepts %s for alice',
    (query) => {
      expect(wsQueryUserIdMismatch(query, 'alice')).toBe(false);
    },
  );
});

describe('ticket tags', () => {
  const tag = { ticketId: 'tkt-0123456789', userId: 'bob', expiresAt: 2_000_000_000 };

  it('seal the ticket id: neither it nor the user shows in the tag, in any encoding', () => {
    const wrapped = wrapTicket(tag, SECRET);
    expect(wrapped).toMatch(/^sy2\.[A-Za-z0-9_-]+$/);
    const body = Buffer.from(wrapped.slice(4), 'base64url').toString('latin1');
    for (const clear of [tag.ticketId, 'bob', Buffer.from(tag.ticketId).toString('base64url').slice(0, 8)]) {
      expect(wrapped).not.toContain(clear);
      expect(body).not.toContain(clear);
    }
    expect(unwrapTicket(wrapped, SECRET, 1)).toEqual({ ok: true, tag });
  });

  it('refuse a tag under another secret, altered, expired or malformed', () => {
    const wrapped = wrapTicket(tag, SECRET);
    expect(unwrapTicket(wrapped, `${SECRET}x`, 1)).toEqual({ ok: false, reason: 'forged' });
    const flipped = Buffer.from(wrapped.slice(4), 'base64url');
    flipped[14]! ^= 1;
    expect(unwrapTicket(`sy2.${flipped.toString('base64url')}`, SECRET, 1)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(unwrapTicket(wrapped, SECRET, 2_000_000_000)).toEqual({ ok: false, reason: 'expired' });
    expect(unwrapTicket('sy2.AAAA', SECRET, 1)).toEqual({ ok: false, reason: 'malformed' });
    expect(unwrapTicket('sy1.e30.AAAA', SECRET, 1)).toEqual({ ok: false, reason: 'malformed' });
  });
});
