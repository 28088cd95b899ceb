import { KnownUsers } from '../../../src/isolation/known-users.js';
import { OwnershipIndex } from '../../../src/isolation/ownership.js';
import { SessionIsolation } from '../../../src/isolation/session-isolation.js';
import { SHAPES, type Ids } from '../../integration/ws/leak-shapes.js';

const AMY: Ids = { user: 'amy-7f3a', run: 'run-amy-1', thread: 'thread-amy-1' };
const BOB: Ids = { user: 'bob-91c2', run: 'run-bob-1', thread: 'thread-bob-1' };

const json = (v: unknown) => JSON.stringify(v);

/** Two users, each with a confirmed run and thread, both signed in on this instance. */
function world() {
  const index = new OwnershipIndex();
  const knownUsers = new KnownUsers();
  const guards = new Map<string, SessionIsolation>();
  for (const ids of [AMY, BOB]) {
    knownUsers.enter(ids.user);
    const guard = new SessionIsolation(ids.user, index, { knownUsers });
    const own = json({
      type: 'agent_started',
      data: { user_id: ids.user, run_id: ids.run, thread_id: ids.thread },
    });
    expect(guard.checkEngineFrame(Buffer.from(own)).ok).toBe(true);
    guards.set(ids.user, guard);
  }
  return { index, knownUsers, bob: guards.get(BOB.user)! };
}

const bytes = (f: string | Buffer) => (typeof f === 'string' ? Buffer.from(f) : f);

describe.each(SHAPES)('an engine frame shaped $name', (shape) => {
  it(`is blocked on another user's session with evidence ${shape.evidence}`, () => {
    const { bob } = world();
    const verdict = bob.checkEngineFrame(bytes(shape.frame(AMY)), shape.binary === true);
    expect(verdict).toMatchObject({ ok: false, evidence: shape.evidence });
  });

  it("is delivered on its own user's session", () => {
    const { bob } = world();
    expect(bob.checkEngineFrame(bytes(shape.frame(BOB)), shape.binary === true).ok).toBe(true);
  });
});

describe.each(SHAPES.filter((s) => s.evidence === 'user_id'))('a client frame shaped $name', (shape) => {
  it('is refused when it names another signed-in user, and passes with its own id', () => {
    const { bob } = world();
    expect(bob.checkClientFrame(bytes(shape.frame(AMY)), shape.binary === true).ok).toBe(false);
    expect(bob.checkClientFrame(bytes(shape.frame(BOB)), shape.binary === true).ok).toBe(true);
  });
});

describe('frames the guard cannot parse', () => {
  const opaque = (text: string) =>
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text), Buffer.from([0xc3])]);

  it('blocks non-UTF-8 binary naming a known user, or an id key, and delivers other binary', () => {
    const { bob } = world();
    expect(bob.checkEngineFrame(opaque(` ${AMY.user} `), true)).toMatchObject({
      ok: false,
      evidence: 'user_id',
    });
    expect(bob.checkEngineFrame(opaque('"user_id"'), true)).toMatchObject({
      ok: false,
      evidence: 'ownership',
    });
    expect(bob.checkEngineFrame(opaque(` ${BOB.user} `), true).ok).toBe(true);
    expect(bob.checkEngineFrame(Buffer.from([0, 1, 2, 250, 255]), true).ok).toBe(true);
  });

  it('blocks text that is not JSON when it names another known user, and delivers it otherwise', () => {
    const { bob } = world();
    expect(bob.checkEngineFrame(Buffer.from(`hello ${AMY.user}!`)).ok).toBe(false);
    expect(bob.checkEngineFrame(Buffer.from(`hello ${BOB.user}!`)).ok).toBe(true);
    expect(bob.checkEngineFrame(Buffer.from('plain text')).ok).toBe(true);
  });

  it('gives ownership evidence, not user_id, for a user_id no one here signed in as', () => {
    const { bob } = world();
    const frame = json({ type: 'agent_thinking', data: { user_id: 'someone-elsewhere' } });
    expect(bob.checkEngineFrame(Buffer.from(frame))).toMatchObject({ ok: false, evidence: 'ownership' });
  });
});
