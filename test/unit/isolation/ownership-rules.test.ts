import { KnownUsers } from '../../../src/isolation/known-users.js';
import { OwnershipIndex } from '../../../src/isolation/ownership.js';
import { SessionIsolation, type SessionIsolationOptions } from '../../../src/isolation/session-isolation.js';

const frame = (v: unknown) => Buffer.from(JSON.stringify(v));
const start = (thread?: string) =>
  frame({ type: 'user_message', payload: { text: 'hi', thread_id: thread ?? null } });
const bridge = (ids: Record<string, string>, type = 'agent_thinking') => frame({ type, ...ids, payload: {} });
const emitter = (data: Record<string, string>, type = 'agent_thinking') => frame({ type, data });

function world(options: SessionIsolationOptions = {}, index = new OwnershipIndex()) {
  const knownUsers = new KnownUsers();
  const session = (user: string) => {
    knownUsers.enter(user);
    return new SessionIsolation(user, index, { knownUsers, ...options });
  };
  return { index, knownUsers, session };
}

describe('run ownership', () => {
  it("binds a run's first event to the session that started a run, and blocks it on a session that started none", () => {
    const { index, session } = world();
    const owner = session('ann');
    const other = session('ben');
    expect(owner.checkClientFrame(start()).ok).toBe(true);
    // The leaked copy arrives first, with nothing but a run id.
    expect(other.checkEngineFrame(bridge({ run_id: 'r1' }, 'agent_started'))).toMatchObject({
      ok: false,
      evidence: 'ownership',
    });
    expect(owner.checkEngineFrame(bridge({ run_id: 'r1' }, 'agent_started')).ok).toBe(true);
    expect(index.ownerOf('r1')).toBe('ann');
    expect(other.checkEngineFrame(bridge({ run_id: 'r1' })).ok).toBe(false);
    expect(owner.checkEngineFrame(bridge({ run_id: 'r1' })).ok).toBe(true);
  });

  it('binds each start once, oldest first, and only to a run on the thread the client named', () => {
    const { index, session } = world();
    const ann = session('ann');
    ann.checkClientFrame(start('t-a'));
    expect(ann.checkEngineFrame(bridge({ run_id: 'r1', thread_id: 't-other' })).ok).toBe(false);
    expect(ann.checkEngineFrame(bridge({ run_id: 'r1', thread_id: 't-a' })).ok).toBe(true);
    expect([index.ownerOf('r1'), index.ownerOf('t-a')]).toEqual(['ann', 'ann']);
    expect(ann.checkEngineFrame(bridge({ run_id: 'r2' })).ok).toBe(false); // no start left
  });

  it('delivers a run no start explains only when engine-initiated runs are allowed, and claims nothing', () => {
    const allowed = world({ allowEngineRuns: true });
    expect(allowed.session('ann').checkEngineFrame(bridge({ run_id: 'r9' })).ok).toBe(true);
    expect(allowed.index.ownerOf('r9')).toBeUndefined();
    expect(
      world()
        .session('ann')
        .checkEngineFrame(bridge({ run_id: 'r9' })).ok,
    ).toBe(false);
  });

  it("takes a run arriving with the session's own user id as this user's (every tab of the user)", () => {
    const { index, session } = world();
    const tab2 = session('ann');
    expect(tab2.checkEngineFrame(emitter({ user_id: 'ann', run_id: 'r3', thread_id: 't3' })).ok).toBe(true);
    expect([index.ownerOf('r3'), index.ownerOf('t3')]).toEqual(['ann', 'ann']);
  });
});

describe('thread ownership', () => {
  it('is never taken by a client naming a thread: the victim is not refused, the claimant gains nothing', () => {
    const { index, session } = world();
    const thief = session('mal');
    const victim = session('vic');
    expect(thief.checkClientFrame(start('t-vic')).ok).toBe(true); // naming it is allowed, claims nothing
    expect(index.ownerOf('t-vic')).toBeUndefined();
    expect(victim.checkClientFrame(start('t-vic')).ok).toBe(true);
    expect(victim.checkEngineFrame(emitter({ user_id: 'vic', run_id: 'rv', thread_id: 't-vic' })).ok).toBe(
      true,
    );
    expect(index.ownerOf('t-vic')).toBe('vic');
    expect(thief.checkEngineFrame(bridge({ thread_id: 't-vic' })).ok).toBe(false);
    expect(thief.checkClientFrame(start('t-vic')).ok).toBe(false); // now the victim's
    expect(victim.checkClientFrame(start('t-vic')).ok).toBe(true);
  });

  it("refuses a client that gives another signed-in user's id as its thread id, and gains it nothing", () => {
    const { session } = world();
    const mal = session('mal');
    session('vic');
    expect(mal.checkClientFrame(start('vic'))).toMatchObject({ ok: false });
    expect(mal.checkEngineFrame(emitter({ user_id: 'vic', thread_id: 'vic' }))).toMatchObject({
      ok: false,
      evidence: 'user_id',
    });
  });

  it('accepts user_id equal to a thread the engine confirmed for this user, or named by it within its own run', () => {
    const { session } = world();
    const ann = session('ann');
    const ben = session('ben');
    ann.checkClientFrame(start('t-ann'));
    // The backend path that fills user_id with the thread id, on the run's first event.
    expect(ann.checkEngineFrame(bridge({ run_id: 'ra', thread_id: 't-ann', user_id: 't-ann' })).ok).toBe(
      true,
    );
    expect(ann.checkEngineFrame(emitter({ user_id: 't-ann' })).ok).toBe(true);
    expect(ben.checkEngineFrame(emitter({ user_id: 't-ann' }))).toMatchObject({
      ok: false,
      evidence: 'ownership',
    });
    // Named but never confirmed: not enough.
    ben.checkClientFrame(start('t-ben'));
    expect(ben.checkEngineFrame(emitter({ user_id: 't-ben' })).ok).toBe(false);
  });

  it('first engine confirmation wins: two users never own one thread', () => {
    const { index, session } = world();
    const ann = session('ann');
    const ben = session('ben');
    expect(ann.checkEngineFrame(emitter({ user_id: 'ann', thread_id: 't' })).ok).toBe(true);
    expect(ben.checkEngineFrame(emitter({ user_id: 'ben', thread_id: 't' })).ok).toBe(false);
    expect(index.ownerOf('t')).toBe('ann');
  });
});

describe('bounds', () => {
  it('one account with 205 sessions x 1,000 thread ids evicts no other user claim', () => {
    const { index, session } = world({}, new OwnershipIndex({ perUser: 1_000, total: 100_000 }));
    const victims = Array.from({ length: 50 }, (_, i) => session(`v${i}`));
    victims.forEach((v, i) =>
      v.checkEngineFrame(emitter({ user_id: `v${i}`, run_id: `rv${i}`, thread_id: `tv${i}` })),
    );
    for (let s = 0; s < 205; s++) {
      const attacker = session('mal');
      for (let t = 0; t < 1_000; t++) {
        attacker.checkClientFrame(start(`m-${s}-${t}`));
        attacker.checkEngineFrame(emitter({ user_id: 'mal', thread_id: `m-${s}-${t}` }));
      }
    }
    expect(index.heldBy('mal')).toBe(1_000);
    victims.forEach((_, i) =>
      expect([index.ownerOf(`rv${i}`), index.ownerOf(`tv${i}`)]).toEqual([`v${i}`, `v${i}`]),
    );
  });

  it('keeps the whole index within its total, pushing out the claimant own ids first', () => {
    const index = new OwnershipIndex({ perUser: 10, total: 4 });
    for (const id of ['a1', 'a2', 'a3']) index.claim(id, 'ann');
    index.claim('b1', 'ben');
    index.claim('a4', 'ann'); // full: ann loses her oldest, not ben
    expect(index.size()).toBe(4);
    expect([index.ownerOf('a1'), index.ownerOf('b1')]).toEqual([undefined, 'ben']);
    index.claim('c1', 'cat'); // full, cat holds nothing: the oldest of all goes
    expect(index.size()).toBe(4);
    expect(index.ownerOf('c1')).toBe('cat');
  });

  it('never takes as its own an id it held that was evicted and confirmed for another user since', () => {
    const { session } = world({}, new OwnershipIndex({ perUser: 1 }));
    const ann = session('ann');
    const ben = session('ben');
    const thinking = bridge({ thread_id: 't1' });
    expect(ann.checkEngineFrame(emitter({ user_id: 'ann', thread_id: 't1' })).ok).toBe(true);
    expect(ann.checkEngineFrame(thinking).ok).toBe(true); // the shortcut: a thread it holds
    expect(ann.checkEngineFrame(emitter({ user_id: 'ann', thread_id: 't2' })).ok).toBe(true); // evicts t1
    expect(ben.checkEngineFrame(emitter({ user_id: 'ben', thread_id: 't1' })).ok).toBe(true);
    expect(ann.checkEngineFrame(thinking)).toMatchObject({ ok: false, evidence: 'ownership' });
  });

  it('ignores the release of a claim that was evicted and claimed again meanwhile', () => {
    const index = new OwnershipIndex({ perUser: 1 });
    const stale = index.claim('t', 'ann')!;
    index.claim('u', 'ann'); // evicts t
    index.claim('t', 'ann'); // a fresh claim by another session of ann (evicts u)
    index.release('t', stale);
    expect(index.ownerOf('t')).toBe('ann');
  });

  it('releases what a session registered when it ends, and only that', () => {
    const { index, session } = world({}, new OwnershipIndex({ lingerMs: 0 }));
    const first = session('ann');
    const second = session('ann');
    first.checkEngineFrame(emitter({ user_id: 'ann', thread_id: 't1' }));
    second.checkEngineFrame(emitter({ user_id: 'ann', thread_id: 't1' }));
    first.close();
    expect(index.ownerOf('t1')).toBe('ann');
    second.close();
    expect(index.size()).toBe(0);
  });

  it("keeps a user's run for a reconnect within the linger, for nobody else, and frees it after", () => {
    let now = 1_000_000;
    const index = new OwnershipIndex({ lingerMs: 60_000, now: () => now });
    const { session } = world({}, index);
    const first = session('ann');
    first.checkClientFrame(start());
    expect(first.checkEngineFrame(bridge({ run_id: 'r1' }, 'agent_started')).ok).toBe(true);
    first.close(); // the link dropped mid-run
    now += 59_000;
    const again = session('ann'); // the web client reconnected; the run goes on
    expect(again.checkEngineFrame(bridge({ run_id: 'r1' })).ok).toBe(true);
    const ben = session('ben');
    expect(ben.checkEngineFrame(bridge({ run_id: 'r1' }))).toMatchObject({
      ok: false,
      evidence: 'ownership',
    });
    again.close();
    ben.close();
    now += 60_000;
    expect(index.ownerOf('r1')).toBeUndefined();
    expect(index.size()).toBe(0);
  });
});
