/** Leak shapes (issue 17): shared by the guard's unit tests and the hostile-engine tests. */

/** The ids of one user in a shape: the victim's make a leak, the recipient's own make a clean frame. */
export interface Ids {
  user: string;
  run: string;
  thread: string;
}

export type Shape = {
  name: string;
  frame: (ids: Ids) => string | Buffer;
  binary?: boolean;
  evidence: string;
};

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
