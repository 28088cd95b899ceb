import WebSocket from 'ws';
import type { Tracing } from '../../../src/tracing/setup.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { until } from '../../support/until.js';
import { TestClient } from '../engines/helpers.js';
import { startScriptedEngine, type ScriptedEngine } from '../ws/scripted-engine.js';
import { clientTraceparent, tracingFromEnv, untilSpans } from './tracing-env.js';

const SERVER = 2;
const alice = 'alice-ws-51d0@example.test';
const bob = 'bob-ws-93c2@example.test';
const question = 'what did my team spend on GPUs';

/**
 * An engine that answers a run start with agent_started, a frame naming bob (a leak the proxy
 * must block on alice's session) and, unless told to hang, agent_completed.
 */
async function leakyEngine(finish: () => boolean): Promise<{ engine: ScriptedEngine; handshakes: string[] }> {
  const handshakes: string[] = [];
  const engine = await startScriptedEngine({
    onConnection: (ws, req) => {
      handshakes.push(String(req.headers.traceparent));
      ws.send(JSON.stringify({ type: 'system_message', data: { event: 'connection_established' } }));
      ws.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString('utf8'));
        if (frame.type !== 'user_message') return;
        const run = { run_id: 'run_8f2', thread_id: 'thread_a1' };
        ws.send(JSON.stringify({ type: 'agent_started', ...run, payload: { status: 'started' } }));
        ws.send(JSON.stringify({ type: 'agent_thinking', data: { user_id: bob, run_id: 'run_8f2' } }));
        if (finish()) {
          ws.send(JSON.stringify({ type: 'agent_completed', ...run, payload: { status: 'completed' } }));
        }
      });
    },
  });
  return { engine, handshakes };
}

describe('tracing on: WebSocket handshake and run spans', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let proxy: ProxyUnderTest;
  let scripted: Awaited<ReturnType<typeof leakyEngine>>;
  let finishRuns = true;
  const sockets: WebSocket[] = [];

  const connect = async (userId: string, headers: Record<string, string> = {}): Promise<TestClient> => {
    const jwt = await signToken(userId);
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`, {
      headers: { authorization: `Bearer ${jwt}`, ...headers },
    });
    ws.on('error', () => undefined);
    sockets.push(ws);
    const client = new TestClient(ws);
    await client.waitFor((f) => f.type === 'system_message');
    return client;
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    scripted = await leakyEngine(() => finishRuns);
    tracing = tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })!;
    proxy = await startProxy({
      legacyUrl: scripted.engine.url,
      userUrl: scripted.engine.url,
      tracing,
      config: { websocket: { minSessionMs: 0, drain: { minAgeMs: 0, windowMs: 0, runDeadlineMs: 300 } } },
    });
  });

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await proxy.stop();
    await Promise.all([scripted.engine.close(), receiver.close()]);
  });

  it('spans the handshake (continuing the client trace) and a run from its start to its terminal event, with the isolation block as an event', async () => {
    await proxy.admin('PUT', '/admin/rollout', { percent: 0 });
    const incoming = clientTraceparent(42);
    const client = await connect(alice, { traceparent: incoming.header });
    await connect(bob); // known to this instance: a frame naming bob on alice's session is a leak
    client.send({ type: 'user_message', payload: { text: question, thread_id: 'thread_a1' } });
    await client.waitFor((f) => f.type === 'agent_completed');
    expect(client.frames.some((f) => f.data?.user_id === bob)).toBe(false);

    const [handshake] = await untilSpans(tracing, receiver, 1, (s) => s.traceId === incoming.traceId);
    expect(handshake!.kind).toBe(SERVER);
    expect(handshake!.name).toBe('GET /ws');
    expect(handshake!.parentSpanId).toBe(incoming.spanId);
    expect(handshake!.attributes).toMatchObject({
      'http.route': '/ws',
      'http.response.status_code': 101,
      'switchyard.engine': 'legacy',
      'switchyard.reason': 'not-in-rollout',
      'switchyard.shadow': false,
    });
    expect(scripted.handshakes[0]).toBe(`00-${incoming.traceId}-${handshake!.spanId}-01`);

    const [run] = await untilSpans(tracing, receiver, 1, (s) =>
      s.links.some((l) => l.spanId === handshake!.spanId),
    );
    expect(run!.name).toBe('agent run');
    expect(run!.traceId).not.toBe(incoming.traceId);
    expect(run!.attributes).toMatchObject({
      'switchyard.run.start': 'user_message',
      'switchyard.run.end': 'agent_completed',
      'switchyard.engine': 'legacy',
      'switchyard.ws.session': handshake!.attributes['switchyard.ws.session'],
    });
    expect(run!.events).toEqual([
      {
        name: 'switchyard.isolation.block',
        attributes: {
          'switchyard.engine': 'legacy',
          'switchyard.isolation.evidence': 'user_id',
          'switchyard.isolation.action': 'block',
        },
      },
    ]);
  });

  it('records a rollback drain on the run it cuts short; the run ends as closed', async () => {
    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    finishRuns = false;
    const client = await connect(alice);
    const before = receiver.spans().length;
    client.send({ type: 'user_message', payload: { text: question, thread_id: 'thread_a1' } });
    await client.waitFor((f) => f.type === 'agent_started');
    await proxy.admin('POST', '/admin/rollback', {});
    expect((await client.closed).code).toBe(1012);
    const [run] = await untilSpans(
      tracing,
      receiver,
      1,
      (s) => s.name === 'agent run' && s.attributes['switchyard.run.end'] === 'closed',
    );
    expect(run!.attributes['switchyard.engine']).toBe('user');
    expect(run!.events.map((e) => e.name)).toEqual(['switchyard.isolation.block', 'switchyard.drain']);
    expect(run!.events[1]!.attributes['switchyard.drain.in_run']).toBe(true);
    expect(receiver.spans().length).toBeGreaterThan(before);
    await proxy.admin('DELETE', '/admin/rollback');
  });

  it('ends a refused handshake with its error type', async () => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`, {
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    ws.on('error', () => undefined);
    sockets.push(ws);
    await new Promise((resolve) => ws.once('close', resolve));
    const [refused] = await untilSpans(
      tracing,
      receiver,
      1,
      (s) => s.attributes['error.type'] === 'auth_failed',
    );
    expect(refused!.name).toBe('GET /ws');
    expect(refused!.attributes['switchyard.engine']).toBeUndefined();
  });

  it('exports no user id, token, run id or message text', async () => {
    await until(() => receiver.bodies.length > 0);
    await tracing.flush();
    const raw = Buffer.concat(receiver.bodies).toString('utf8');
    for (const secret of [alice, bob, 'alice-ws', 'bob-ws', 'run_8f2', 'thread_a1', question, 'not-a-jwt']) {
      expect(raw).not.toContain(secret);
    }
    const jwt = await signToken(alice);
    expect(raw).not.toContain(jwt.split('.')[1]!.slice(0, 20));
  });
});
