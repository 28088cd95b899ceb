import type { EngineKind } from '../../../engines/index.js';
import { Harness } from './helpers.js';

describe.each<EngineKind>(['legacy', 'user'])('client frames on the %s engine', (kind) => {
  const harness = new Harness();
  afterEach(() => harness.close());

  it('answers a ping with a pong in the system envelope', async () => {
    const client = await harness.connectAs(await harness.engine(kind), 'alice');
    client.send({ type: 'ping', timestamp: 123 });
    const pong = await client.waitFor((f) => f.type === 'pong');
    expect(pong).toMatchObject({ data: { client_timestamp: 123 }, server_id: expect.any(String) });
    expect(typeof pong.timestamp).toBe('number');
    expect(typeof pong.correlation_id).toBe('string');
  });

  it.each(['session_restore', 'typing', 'pong'])(
    'acknowledges a %s frame it has no handler for',
    async (type) => {
      const client = await harness.connectAs(await harness.engine(kind), 'alice');
      client.send({ type, payload: { threadId: 't' } });
      expect(await client.waitFor((f) => f.type === 'ack')).toEqual({
        type: 'ack',
        received_type: type,
        status: 'acknowledged',
      });
    },
  );

  it.each(['not json', '[1,2]', '{"payload":{}}'])(
    'answers %p with an error frame and keeps the socket open',
    async (text) => {
      const client = await harness.connectAs(await harness.engine(kind), 'alice');
      client.send(text);
      expect(await client.waitFor((f) => f.type === 'error_message')).toMatchObject({
        error_code: 'INVALID_MESSAGE',
      });
      client.send({ type: 'ping' });
      await client.waitFor((f) => f.type === 'pong');
    },
  );

  it('echoes a binary frame back as binary', async () => {
    const client = await harness.connectAs(await harness.engine(kind), 'alice');
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const echoed = new Promise<Buffer>((resolve) =>
      client.ws.on('message', (data, isBinary) => isBinary && resolve(data as Buffer)),
    );
    client.ws.send(bytes, { binary: true });
    expect(await echoed).toEqual(bytes);
    expect(client.frames).toHaveLength(1);
  });

  it('closes with the code and reason a close_me frame asks for', async () => {
    const engine = await harness.engine(kind);
    const client = await harness.connectAs(engine, 'alice');
    client.send({ type: 'close_me', payload: { code: 4000, reason: 'bye' } });
    expect(await client.closed).toEqual({ code: 4000, reason: 'bye' });
  });

  it('refuses a close_me with a code that may not be sent, and stays open', async () => {
    const client = await harness.connectAs(await harness.engine(kind), 'alice');
    client.send({ type: 'close_me', payload: { code: 1006, reason: 'reserved' } });
    expect(await client.waitFor((f) => f.type === 'error_message')).toMatchObject({
      error_code: 'INVALID_CLOSE',
    });
  });

  it('sends a heartbeat after client silence, and again after more silence', async () => {
    const engine = await harness.engine(kind, {}, { heartbeatMs: 40 });
    const client = await harness.connectAs(engine, 'alice');
    await client.waitFor((f) => f.type === 'heartbeat');
    await client.waitFor((f) => f.type === 'heartbeat', { from: client.frames.length });
    expect(client.frames.every((f) => f.type === 'system_message' || f.type === 'heartbeat')).toBe(true);
  });

  it('stops its runs on stop_agent: nothing more of them arrives', async () => {
    const engine = await harness.engine(kind, { stepDelayMs: 30 });
    const client = await harness.connectAs(engine, 'alice');
    client.send({ type: 'user_message', payload: { text: 'first', thread_id: 'stopped' } });
    await client.waitFor((f) => f.type === 'agent_started');
    client.send({ type: 'stop_agent', payload: {} });
    expect(await client.waitFor((f) => f.data?.event === 'agent_stopped')).toMatchObject({
      data: { stopped: 1 },
    });
    // A second run takes as long as the first would have: once it ends, the first would have too.
    await client.run({ text: 'second', thread_id: 'after' });
    const threads = client.frames.map((f) => f.thread_id ?? f.data?.thread_id).filter(Boolean);
    expect(threads.filter((t) => t === 'stopped')).toHaveLength(1);
  });
});
