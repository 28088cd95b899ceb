import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdHasher } from '../../../src/log/hash-id.js';
import type { Tracing } from '../../../src/tracing/setup.js';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { until } from '../../support/until.js';
import { clientTraceparent, tracingFromEnv, untilSpans } from './tracing-env.js';

const ID_HASH_SECRET = 'id-hash-secret-for-tracing-tests-0123456789';
const SERVER = 2;
const CLIENT = 3;

/** The traceparent header an engine received, split. */
function parent(header: unknown): { traceId: string; spanId: string; flags: string } {
  const [, traceId, spanId, flags] = String(header).split('-');
  return { traceId: traceId!, spanId: spanId!, flags: flags! };
}

describe('tracing on: spans of HTTP requests reach an OTLP/HTTP receiver', () => {
  let receiver: OtlpReceiver;
  let legacy: EchoUpstream;
  let user: EchoUpstream;
  let tracing: Tracing;
  let proxy: ProxyUnderTest;
  const alice = 'alice-7c1e2f@example.test';
  let aliceJwt: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    legacy = await startEchoUpstream('legacy');
    user = await startEchoUpstream('user');
    tracing = tracingFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=collector-key-1',
      OTEL_SERVICE_NAME: 'switchyard-under-test',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1',
    })!;
    proxy = await startProxy({
      legacyUrl: legacy.url,
      userUrl: user.url,
      tracing,
      config: { identity: { idHashSecret: ID_HASH_SECRET } },
    });
    await proxy.admin('PUT', '/admin/rollout', { percent: 0 });
    await proxy.admin('PUT', '/admin/shadow', { percent: 100 });
    aliceJwt = await signToken(alice);
  });

  afterAll(async () => {
    await proxy.stop();
    await Promise.all([legacy.close(), user.close(), receiver.close()]);
  });

  it('continues the client trace: SERVER span, engine CLIENT span, traceparent to the engine, linked shadow span', async () => {
    const incoming = clientTraceparent(1);
    const res = await fetch(`${proxy.url}/api/threads/thread-4a9b1?user_id=${encodeURIComponent(alice)}`, {
      headers: { authorization: `Bearer ${aliceJwt}`, traceparent: incoming.header },
    });
    expect(res.status).toBe(200);
    await until(() => user.received.length === 1, 10_000, 'the shadow copy');
    const spans = await untilSpans(tracing, receiver, 3, (s) => s.traceId === incoming.traceId);

    const server = spans.find((s) => s.kind === SERVER)!;
    expect(server.name).toBe('GET /api/threads/*');
    expect(server.parentSpanId).toBe(incoming.spanId);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/threads/*',
      'url.scheme': 'http',
      'server.port': Number(new URL(proxy.url).port),
      'network.protocol.version': '1.1',
      'http.response.status_code': 200,
      'switchyard.engine': 'legacy',
      'switchyard.reason': 'not-in-rollout',
      'switchyard.shadow': false,
      'switchyard.shadow.target': 'user',
      'switchyard.user.hash': createIdHasher(ID_HASH_SECRET)(alice),
    });
    expect(server.resource['service.name']).toBe('switchyard-under-test');

    const clients = spans.filter((s) => s.kind === CLIENT);
    const primary = clients.find((s) => s.attributes['switchyard.shadow'] === false)!;
    expect(primary.parentSpanId).toBe(server.spanId);
    expect(primary.attributes).toMatchObject({
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(legacy.url).port),
      'switchyard.engine': 'legacy',
      'http.response.status_code': 200,
    });
    const sent = parent(legacy.received.at(-1)!.headers.traceparent);
    expect(sent).toEqual({ traceId: incoming.traceId, spanId: primary.spanId, flags: '01' });

    const shadow = clients.find((s) => s.attributes['switchyard.shadow'] === true)!;
    expect(shadow.links).toEqual([{ traceId: incoming.traceId, spanId: primary.spanId }]);
    expect(shadow.attributes).toMatchObject({
      'switchyard.engine': 'user',
      'server.port': Number(new URL(user.url).port),
      'switchyard.shadow.outcome': 'match', // the comparison's result (`engine` is a volatile field)
    });
    const shadowSent = user.received[0]!;
    expect(shadowSent.headers['x-switchyard-shadow']).toBe('1');
    expect(parent(shadowSent.headers.traceparent)).toEqual({
      traceId: incoming.traceId,
      spanId: shadow.spanId,
      flags: '01',
    });
    expect(receiver.headers.every((h) => h['x-collector-key'] === 'collector-key-1')).toBe(true);
  });

  it('starts a trace of its own without a traceparent, and a refused request has a span without a decision', async () => {
    const before = receiver.spans().length;
    const res = await fetch(`${proxy.url}/api/agent/v2/execute?user_id=${encodeURIComponent(alice)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceJwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'my private question about costs', user_id: alice }),
    });
    expect(res.status).toBe(200);
    const refused = await fetch(`${proxy.url}/api/agent/v2/execute`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    const spans = (await untilSpans(tracing, receiver, before + 3)).slice(before);
    const servers = spans.filter((s) => s.kind === SERVER && s.name === 'POST /api/agent/v2/execute');
    const served = servers.find((s) => s.attributes['http.response.status_code'] === 200)!;
    expect(served.parentSpanId).toBe('');
    expect(served.attributes['switchyard.reason']).toBe('not-in-rollout');
    const unauthorised = servers.find((s) => s.attributes['http.response.status_code'] === 401)!;
    expect(unauthorised.attributes['switchyard.engine']).toBeUndefined();
    const client = spans.find((s) => s.kind === CLIENT && s.parentSpanId === served.spanId)!;
    expect(parent(legacy.received.at(-1)!.headers.traceparent).spanId).toBe(client.spanId);
  });

  it('traces the ticket request to its engine too', async () => {
    const incoming = clientTraceparent(3);
    const res = await fetch(`${proxy.url}/api/websocket/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceJwt}`, traceparent: incoming.header },
      body: '{}',
    });
    expect(res.status).toBe(200);
    const spans = await untilSpans(tracing, receiver, 2, (s) => s.traceId === incoming.traceId);
    const server = spans.find((s) => s.kind === SERVER)!;
    expect(server.name).toBe('POST /api/websocket/ticket');
    const client = spans.find((s) => s.kind === CLIENT)!;
    expect(client.parentSpanId).toBe(server.spanId);
    expect(parent(legacy.received.at(-1)!.headers.traceparent).spanId).toBe(client.spanId);
  });

  it('keeps 100 concurrent requests in their own traces', async () => {
    const requests = Array.from({ length: 100 }, (_, i) => clientTraceparent(1000 + i));
    await Promise.all(
      requests.map(async (tp, i) => {
        const res = await fetch(`${proxy.url}/api/agents/execute?user_id=${encodeURIComponent(alice)}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${aliceJwt}`,
            traceparent: tp.header,
            'x-request-id': `req-${i}`,
          },
          body: '{}',
        });
        expect(res.status).toBe(200);
      }),
    );
    const spans = await untilSpans(tracing, receiver, 200, (s) =>
      requests.some((tp) => tp.traceId === s.traceId),
    );
    requests.forEach((tp, i) => {
      const got = legacy.received.find((r) => r.headers['x-request-id'] === `req-${i}`)!;
      const sent = parent(got.headers.traceparent);
      expect(sent.traceId).toBe(tp.traceId);
      const client = spans.find((s) => s.spanId === sent.spanId)!;
      const server = spans.find((s) => s.spanId === client.parentSpanId)!;
      expect(server.parentSpanId).toBe(tp.spanId);
    });
  });

  it('exports no user id, token, thread id or message text', async () => {
    await tracing.flush();
    const raw = Buffer.concat(receiver.bodies).toString('utf8');
    // The search finds what is there: the keyed hash of the user id is.
    expect(raw).toContain(createIdHasher(ID_HASH_SECRET)(alice));
    for (const secret of [
      alice,
      'alice-7c1e2f',
      aliceJwt,
      aliceJwt.split('.')[1]!,
      'thread-4a9b1',
      'private question',
    ]) {
      expect(raw).not.toContain(secret);
    }
  });
});

describe('tracing on: a shadow copy that fails', () => {
  it('ends the shadow span with the drop reason; the primary is untouched', async () => {
    const receiver = await startOtlpReceiver();
    const legacy = await startEchoUpstream('legacy');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const tracing = tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })!;
    const proxy = await startProxy({ legacyUrl: legacy.url, userUrl: deadUrl, tracing });
    try {
      await proxy.admin('PUT', '/admin/rollout', { percent: 0 });
      await proxy.admin('PUT', '/admin/shadow', { percent: 100 });
      const incoming = clientTraceparent(9);
      const res = await fetch(`${proxy.url}/api/threads/t9`, {
        headers: { authorization: `Bearer ${await signToken('carol-shadow')}`, traceparent: incoming.header },
      });
      expect(res.status).toBe(200);
      const spans = await untilSpans(tracing, receiver, 3, (s) => s.traceId === incoming.traceId);
      const primary = spans.find((s) => s.kind === CLIENT && s.attributes['switchyard.shadow'] === false)!;
      expect(primary.status).not.toBe(2);
      const shadow = spans.find((s) => s.attributes['switchyard.shadow'] === true)!;
      expect(shadow.status).toBe(2);
      expect(shadow.attributes).toMatchObject({
        'error.type': 'connect_failed',
        'switchyard.shadow.outcome': 'connect_failed',
      });
      expect(shadow.links).toEqual([{ traceId: incoming.traceId, spanId: primary.spanId }]);
    } finally {
      await proxy.stop();
      await Promise.all([legacy.close(), receiver.close()]);
    }
  });
});

describe('tracing off', () => {
  let receiver: OtlpReceiver;
  let legacy: EchoUpstream;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    legacy = await startEchoUpstream('legacy');
  });
  afterAll(async () => Promise.all([legacy.close(), receiver.close()]));

  const roundTrip = async (tracing: Tracing | null): Promise<string | undefined> => {
    const proxy = await startProxy({ legacyUrl: legacy.url, userUrl: legacy.url, tracing });
    const jwt = await signToken('bob-off');
    const res = await fetch(`${proxy.url}/api/threads/t1`, {
      headers: { authorization: `Bearer ${jwt}`, traceparent: clientTraceparent(7).header },
    });
    expect(res.status).toBe(200);
    await proxy.stop();
    return legacy.received.at(-1)!.headers.traceparent as string | undefined;
  };

  it('without an endpoint, or with OTEL_SDK_DISABLED, builds nothing; the client traceparent passes through', async () => {
    expect(tracingFromEnv({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBeNull();
    const disabled = tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: 'true' });
    expect(disabled).toBeNull();
    expect(await roundTrip(disabled)).toBe(clientTraceparent(7).header);
    expect(receiver.bodies).toHaveLength(0);
  });

  it('the sampler from OTEL_TRACES_SAMPLER is honoured: always_off exports nothing, the engine still gets a traceparent', async () => {
    const tracing = tracingFromEnv({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      OTEL_TRACES_SAMPLER: 'always_off',
    });
    expect(tracing).not.toBeNull();
    const sent = parent(await roundTrip(tracing));
    expect(sent.traceId).toBe(clientTraceparent(7).traceId);
    expect(sent.spanId).not.toBe(clientTraceparent(7).spanId);
    expect(sent.flags).toBe('00');
    await tracing!.flush();
    expect(receiver.bodies).toHaveLength(0);
  });
});
