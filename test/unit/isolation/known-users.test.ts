import { KnownUsers } from '../../../src/isolation/known-users.js';

describe('KnownUsers', () => {
  it('knows a user for ttlMs after the last sign-in, and for as long as a session is open', () => {
    let now = 0;
    const known = new KnownUsers({ ttlMs: 1_000, now: () => now });
    known.touch('ann');
    const leave = known.enter('ben');
    now = 999;
    expect([known.has('ann'), known.has('ben')]).toEqual([true, true]);
    now = 1_001;
    expect([known.has('ann'), known.has('ben')]).toEqual([false, true]);
    leave();
    now = 1_900;
    expect(known.has('ben')).toBe(true);
    now = 2_002;
    expect(known.has('ben')).toBe(false);
  });

  it('records a user touched again within a tenth of ttlMs (at most a second) once, and renews it after', () => {
    let now = 0;
    const known = new KnownUsers({ ttlMs: 10_000, now: () => now });
    known.touch('ann');
    now = 999;
    known.touch('ann'); // within the second: not renewed
    now = 10_001;
    expect(known.has('ann')).toBe(false);
    known.touch('ann');
    now = 11_001;
    known.touch('ann'); // a second later: renewed
    now = 21_000;
    expect(known.has('ann')).toBe(true);
    now = 21_002;
    expect(known.has('ann')).toBe(false);
  });

  it('stays within its cap, the least recently seen first, users with an open session kept', () => {
    const known = new KnownUsers({ maxUsers: 3 });
    known.enter('open');
    for (const u of ['a', 'b', 'c', 'd', 'e']) known.touch(u);
    expect(known.size()).toBeLessThanOrEqual(4);
    expect(known.has('open')).toBe(true);
    expect(known.has('e')).toBe(true);
    expect(known.has('a')).toBe(false);
  });

  it('finds another known user in raw bytes, whatever surrounds it, and never the caller', () => {
    const known = new KnownUsers();
    for (const u of ['ann@example.com', 'auth0|42', 'ben']) known.touch(u);
    expect(known.foreignIn(Buffer.from('{"to":"ann@example.com","ru'), 'ben')).toBe('ann@example.com');
    expect(known.foreignIn(Buffer.from('x=1&u=auth0|42'), 'ben')).toBe('auth0|42');
    expect(known.foreignIn(Buffer.from('hello ben'), 'ben')).toBeNull();
    expect(known.foreignIn(Buffer.from('bent benny'), 'ann@example.com')).toBeNull();
    expect(known.foreignIn(Buffer.from([0xff, 0x20, 0x62, 0x65, 0x6e, 0x00]), 'x')).toBe('ben');
  });
});
