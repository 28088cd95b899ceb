import { OwnershipIndex } from '../../../src/guard/isolation/ownership.js';
import { SessionGuard } from '../../../src/guard/isolation/session-guard.js';
import { frameIds } from '../../../src/guard/isolation/frame-ids.js';

const emitter = (data: Record<string, unknown>) => JSON.stringify({ type: 'agent_thinking', data });
const bridge = (ids: Record<string, unknown>) =>
  JSON.stringify({ type: 'agent_thinking', ...ids, payload: {} });
const client = (payload: Record<string, unknown>) =>
  frameIds(JSON.stringify({ type: 'user_message', payload }));

describe('SessionGuard', () => {
  it('takes user_id equal to a thread id of this user as legitimate, and of another user as a leak', () => {
    const index = new OwnershipIndex();
    const ann = new SessionGuard('ann', index);
    const ben = new SessionGuard('ben', index);
    expect(ann.checkClientFrame(client({ thread_id: 't-ann' })).ok).toBe(true);
    expect(ben.checkClientFrame(client({ thread_id: 't-ben' })).ok).toBe(true);
    expect(ann.checkEngineFrame(emitter({ user_id: 't-ann', thread_id: 't-ann' })).ok).toBe(true);
    expect(ann.checkEngineFrame(emitter({ user_id: 't-ben' }))).toMatchObject({
      ok: false,
      evidence: 'user_id',
    });
    expect(ann.checkClientFrame(client({ user_id: 't-ann' })).ok).toBe(true);
    expect(ann.checkClientFrame(client({ user_id: 'ben' }))).toMatchObject({
      ok: false,
      evidence: 'user_id',
    });
  });

  it('registers ids only from frames of the session own user, never from a blocked frame, whatever the order', () => {
    for (const ownerFirst of [true, false]) {
      const index = new OwnershipIndex();
      const owner = new SessionGuard('ann', index);
      const victim = new SessionGuard('ben', index);
      const copy = emitter({ user_id: 'ann', run_id: 'r1', thread_id: 't1' });
      let ownerOk: boolean, victimOk: boolean;
      if (ownerFirst) {
        ownerOk = owner.checkEngineFrame(copy).ok;
        victimOk = victim.checkEngineFrame(copy).ok;
      } else {
        victimOk = victim.checkEngineFrame(copy).ok;
        ownerOk = owner.checkEngineFrame(copy).ok;
      }
      expect([ownerOk, victimOk]).toEqual([true, false]);
      expect([index.ownerOf('r1'), index.ownerOf('t1')]).toEqual(['ann', 'ann']);
      expect(owner.checkEngineFrame(bridge({ run_id: 'r1' })).ok).toBe(true);
      expect(victim.checkEngineFrame(bridge({ run_id: 'r1' }))).toMatchObject({
        ok: false,
        evidence: 'ownership',
      });
    }
  });

  it('registers nothing from a frame without the session user id', () => {
    const index = new OwnershipIndex();
    const ann = new SessionGuard('ann', index);
    expect(ann.checkEngineFrame(bridge({ run_id: 'r2', thread_id: 't2' })).ok).toBe(true);
    expect(index.size()).toBe(0);
  });

  it('releases what it registered when the session ends, and only that', () => {
    const index = new OwnershipIndex();
    const first = new SessionGuard('ann', index);
    const second = new SessionGuard('ann', index);
    first.checkClientFrame(client({ thread_id: 't1' }));
    second.checkClientFrame(client({ thread_id: 't1' }));
    first.close();
    expect(index.ownerOf('t1')).toBe('ann');
    second.close();
    expect(index.size()).toBe(0);
  });
});

describe('OwnershipIndex', () => {
  it('stays within its bound, the oldest id going first', () => {
    const index = new OwnershipIndex(3);
    for (const id of ['a', 'b', 'c', 'd']) index.claim(id, 'ann');
    expect(index.size()).toBe(3);
    expect(index.ownerOf('a')).toBeUndefined();
  });

  it('ignores the release of a claim that was evicted and claimed again meanwhile', () => {
    const index = new OwnershipIndex(1);
    const stale = index.claim('t', 'ann')!;
    index.claim('u', 'ben'); // evicts t
    index.claim('t', 'ann'); // a fresh claim by another session of ann (evicts u)
    index.release('t', stale);
    expect(index.ownerOf('t')).toBe('ann');
  });

  it('refuses an id another user owns', () => {
    const index = new OwnershipIndex();
    expect(index.claim('t', 'ann')).not.toBeNull();
    expect(index.claim('t', 'ben')).toBeNull();
  });
});
