import { KnownUsers } from '../../../../src/guard/isolation/known-users.js';
import { OwnershipIndex } from '../../../../src/guard/isolation/ownership.js';
import { SessionGuard } from '../../../../src/guard/isolation/session-guard.js';

/** The ids of one user in a shape: the victim's make a leak, the recipient's own make a clean frame. */
interface Ids {
  user: string;
  run: string;
  thread: string;
}

const AMY: Ids = { user: 'amy-7f3a', run: 'run-amy-1', thread: 'thread-amy-1' };
const BOB: Ids = { user: 'bob-91c2', run: 'run-bob-1', thread: 'thread-bob-1' };

type Shape = { name: string; frame: (ids: Ids) => string | Buffer; binary?: boolean; evidence: string };

const json = (v: unknown) => JSON.stringify(v);
const started = (ids: Ids) => json({ type: 'agent_started', data: { user_id: ids.user, run_id: ids.run } });

/** The 17 shapes of issue 17, and more spellings: each one leaks the victim's ids to the recipient. */
export const SHAPES: Shape[] = [
  {
    name: 'top-level user_id',
    frame: (i) => json({ type: 'agent_thinking', user_id: i.user }),
    evidence: 'user_id',
  },
  {
    name: 'payload.user_id',
    frame: (i) => json({ type: 'agent_thinking', payload: { user_id: i.user } }),
    evidence: 'user_id',
  },
  {
    name: 'data.user_id',
    frame: (i) => json({ type: 'agent_thinking', data: { user_id: i.user } }),
    evidence: 'user_id',
  },
  {
    name: 'run-id only',
    frame: (i) => json({ type: 'agent_started', run_id: i.run, payload: {} }),
    evidence: 'ownership',
  },
  {
    name: 'thread-id only',
    frame: (i) => json({ type: 'agent_thinking', thread_id: i.thread, payload: {} }),
    evidence: 'ownership',
  },
  // WebSocket fragmentation is undone by the socket: the guard sees the whole message.
  {
    name: 'fragmented',
    frame: (i) => json({ type: 'agent_thinking', data: { user_id: i.user, n: 'x'.repeat(300) } }),
    evidence: 'user_id',
  },
  { name: 'binary', frame: (i) => Buffer.from(started(i)), binary: true, evidence: 'user_id' },
  {
    name: 'data.metadata.user_id',
    frame: (i) => json({ type: 'agent_completed', data: { metadata: { user_id: i.user } } }),
    evidence: 'user_id',
  },
  {
    name: 'payload.result.user_id',
    frame: (i) => json({ type: 'tool_completed', payload: { result: { user_id: i.user } } }),
    evidence: 'user_id',
  },
  {
    name: 'escaped key user\\u005fid',
    frame: (i) => `{"type":"agent_thinking","data":{"user\\u005fid":"${i.user}"}}`,
    evidence: 'user_id',
  },
  {
    name: 'top-level array of events',
    frame: (i) => json([{ type: 'ping' }, { type: 'agent_thinking', data: { user_id: i.user } }]),
    evidence: 'user_id',
  },
  {
    name: 'JSON inside a string field',
    frame: (i) => json({ type: 'tool_completed', payload: { result: json({ user_id: i.user }) } }),
    evidence: 'user_id',
  },
  {
    name: 'split over two messages (first half)',
    frame: (i) => started(i).slice(0, started(i).indexOf('run_id') - 2),
    evidence: 'user_id',
  },
  {
    name: 'camelCase userId',
    frame: (i) => json({ type: 'agent_thinking', data: { userId: i.user } }),
    evidence: 'user_id',
  },
  {
    name: 'userID',
    frame: (i) => json({ type: 'agent_thinking', data: { userID: i.user } }),
    evidence: 'user_id',
  },
  {
    name: 'user-id',
    frame: (i) => json({ type: 'agent_thinking', data: { 'user-id': i.user } }),
    evidence: 'user_id',
  },
  {
    name: 'deeper arrays',
    frame: (i) => json({ type: 'tool_completed', data: { rows: [[{ owner: [{ USER_ID: i.user }] }]] } }),
    evidence: 'user_id',
  },
  {
    name: 'runId (camelCase run)',
    frame: (i) => json({ type: 'agent_thinking', payload: { runId: i.run } }),
    evidence: 'ownership',
  },
  {
    name: 'threadId in a nested array',
    frame: (i) => json({ type: 'x', data: [{ threadId: i.thread }] }),
    evidence: 'ownership',
  },
  {
    name: 'JSON twice nested in strings',
    frame: (i) => json({ type: 'x', payload: { a: json({ b: json({ run_id: i.run }) }) } }),
    evidence: 'ownership',
  },
  {
    name: 'binary JSON with an escaped key',
    frame: (i) => Buffer.from(`[{"\\u0075serId":"${i.user}"}]`),
    binary: true,
    evidence: 'user_id',
  },
];

/** Two users, each with a confirmed run and thread, both signed in on this instance. */
function world() {
  const index = new OwnershipIndex();
  const knownUsers = new KnownUsers();
  const guards = new Map<string, SessionGuard>();
  for (const ids of [AMY, BOB]) {
    knownUsers.enter(ids.user);
    const guard = new SessionGuard(ids.user, index, { knownUsers });
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
