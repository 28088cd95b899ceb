import type { EngineKind } from '../../../engines/index.js';
import { activeTimers, Harness, until } from './helpers.js';

const types = (frames: Array<{ type: string }>) => frames.map((f) => f.type);

describe('runs over WebSocket', () => {
  const harness = new Harness();
  afterEach(() => harness.close());

  it('sends the five critical events in order in the bridge envelope on legacy, thinking once', async () => {
    const client = await harness.connectAs(await harness.engine('legacy'), 'alice');
    const run = await client.run({ text: 'Analyze my AI costs', references: [], thread_id: 'thread_abc' });
    expect(types(run)).toEqual([
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    const runId = run[0].run_id;
    expect(runId).toMatch(/^run_thread_abc_\d+_[0-9a-f]{8}$/);
    for (const frame of run) {
      expect(frame).toMatchObject({ run_id: runId, thread_id: 'thread_abc', agent_name: 'DataAgent' });
      expect(frame.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      expect(JSON.stringify(frame)).not.toContain('alice');
    }
    expect(run[0].payload).toMatchObject({
      status: 'started',
      message: 'DataAgent has started processing your request',
    });
    expect(run[1].payload).toMatchObject({
      status: 'thinking',
      step_number: 1,
      reasoning: expect.any(String),
    });
    expect(run[2].payload).toMatchObject({ status: 'executing', tool_name: 'cost_query' });
    expect(run[3].payload).toMatchObject({
      status: 'completed',
      tool_name: 'cost_query',
      execution_time_ms: expect.any(Number),
    });
    expect(run[4].payload).toMatchObject({ status: 'completed', execution_time_ms: expect.any(Number) });
  });

  it('sends the five critical events in order in the emitter envelope on user, thinking two or three times', async () => {
    const client = await harness.connectAs(await harness.engine('user'), 'alice');
    const run = await client.run({ text: 'Analyze my AI costs', thread_id: 'thread_abc' });
    const thinking = run.filter((f) => f.type === 'agent_thinking');
    expect([2, 3]).toContain(thinking.length);
    expect(types(run)).toEqual([
      'agent_started',
      ...thinking.map(() => 'agent_thinking'),
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    for (const frame of run) {
      expect(frame).toMatchObject({ critical: true, attempt: null });
      expect(frame.data).toMatchObject({
        user_id: 'alice',
        thread_id: 'thread_abc',
        run_id: run[0].data.run_id,
      });
      expect(frame.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
      expect(frame.run_id).toBeUndefined();
    }
    expect(thinking[0].data.thought).toEqual(expect.any(String));
    expect(run.find((f) => f.type === 'tool_executing').data.tool).toBe('cost_query');
    expect(run.find((f) => f.type === 'tool_completed').data.tool).toBe('cost_query');
    expect(run.at(-1).data).toMatchObject({
      status: 'completed',
      metadata: { execution_time_ms: expect.any(Number) },
    });
  });

  it.each<[EngineKind, 'bridge' | 'emitter']>([
    ['legacy', 'emitter'],
    ['user', 'bridge'],
  ])('lets the %s engine speak the %s envelope when told to', async (kind, envelope) => {
    const client = await harness.connectAs(await harness.engine(kind, { envelope }), 'alice');
    const run = await client.run({ text: 'hi' });
    if (envelope === 'emitter') expect(run.every((f) => f.data.user_id === 'alice')).toBe(true);
    else expect(run.every((f) => typeof f.run_id === 'string' && f.data === undefined)).toBe(true);
  });

  it('gives each run a thread of its own when the client names none', async () => {
    const client = await harness.connectAs(await harness.engine('legacy'), 'alice');
    const first = await client.run({ text: 'a' });
    const second = await client.run({ text: 'b' });
    expect(first[0].thread_id).toMatch(/^thread_/);
    expect(first[0].thread_id).not.toBe(second[0].thread_id);
  });

  it.each([
    ['chat_message', { text: 'hi' }],
    ['user', { content: 'hi from the web client' }],
    ['message', { text: 'hi' }],
    ['start_agent', { user_request: 'hi', thread_id: null, context: {}, settings: {} }],
    ['execute_agent', { user_request: 'hi' }],
  ])('starts a run on a %s frame', async (type, payload) => {
    const client = await harness.connectAs(await harness.engine('user'), 'alice');
    const run = await client.run(payload, type);
    expect(run[0].type).toBe('agent_started');
    expect(run.at(-1).type).toBe('agent_completed');
  });

  it('refuses a fourth concurrent run of one user on the user engine, across sockets', async () => {
    const engine = await harness.engine('user', { stepDelayMs: 200 });
    const first = await harness.connectAs(engine, 'alice');
    const second = await harness.connectAs(engine, 'alice');
    for (let i = 0; i < 3; i++) first.send({ type: 'user_message', payload: { text: `run ${i}` } });
    await first.waitFor(() => first.frames.filter((f) => f.type === 'agent_started').length === 3);
    second.send({ type: 'user_message', payload: { text: 'one too many' } });
    expect(await second.waitFor((f) => f.type === 'error_message')).toMatchObject({
      error_code: 'TOO_MANY_RUNS',
    });
    const bob = await harness.connectAs(engine, 'bob');
    bob.send({ type: 'user_message', payload: { text: 'mine' } });
    await bob.waitFor((f) => f.type === 'agent_started');
  });

  it.each<EngineKind>(['legacy', 'user'])(
    'clears the %s engine run timers when the client closes mid-run',
    async (kind) => {
      const engine = await harness.engine(kind, { stepDelayMs: 10_000 });
      const client = await harness.connectAs(engine, 'alice');
      const before = activeTimers();
      client.send({ type: 'user_message', payload: { text: 'long' } });
      await client.waitFor((f) => f.type === 'agent_started');
      expect(activeTimers()).toBeGreaterThan(before);
      client.ws.close();
      await client.closed;
      await until(() => engine.openSockets() === 0);
      // the run's step timer and the session's heartbeat timer are both gone
      expect(activeTimers()).toBe(before - 1);
    },
  );

  it.each<EngineKind>(['legacy', 'user'])(
    'terminates the %s engine sockets and timers on close()',
    async (kind) => {
      const engine = await harness.engine(kind, { stepDelayMs: 10_000 });
      const client = await harness.connectAs(engine, 'alice');
      client.send({ type: 'user_message', payload: { text: 'long' } });
      await client.waitFor((f) => f.type === 'agent_started');
      const timersWithRun = activeTimers();
      await engine.close();
      expect((await client.closed).code).toBe(1006);
      expect(engine.openSockets()).toBe(0);
      // the run's step timer and the session's heartbeat timer are gone
      expect(activeTimers()).toBeLessThanOrEqual(timersWithRun - 2);
    },
  );
});
