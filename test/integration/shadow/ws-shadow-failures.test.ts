import { TestClient, until } from '../engines/helpers.js';
import { closedPortUrl, startHangingServer, startWsStub, type FailingEngine } from './failing-shadow.js';
import { comparisons, dropped, metric, ShadowRig, untilMetric } from './rig.js';

let rig: ShadowRig;
let failing: FailingEngine | null = null;

afterEach(async () => {
  await rig.close();
  await failing?.close();
  failing = null;
});

const LEGACY_RUN = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'];

/** The client's session is what legacy alone gives: a normal run, quickly, pings answered, still open. */
async function expectUntouched(client: TestClient, thread: string): Promise<void> {
  const startedAt = Date.now();
  const events = await client.run({ text: 'how much', thread_id: thread });
  // A run takes ~0.1 s; one held for a shadow would wait its connect timeout (3 s and up here).
  expect(Date.now() - startedAt).toBeLessThan(2500);
  expect(events.map((e) => e.type)).toEqual(LEGACY_RUN);
  const from = client.frames.length;
  client.send({ type: 'ping' });
  await client.waitFor((f) => f.type === 'pong', { from });
  expect(client.ws.readyState).toBe(client.ws.OPEN);
  expect(client.frames.filter((f) => f.type === 'error_message')).toEqual([]);
}

const inflight = (r: ShadowRig) => metric(r.proxy, 'switchyard_shadow_inflight', { kind: 'ws' });

describe('a failing shadow engine leaves the client session untouched', () => {
  it('counts a shadow engine that is down as connect_failed', async () => {
    rig = await new ShadowRig().start({ userUrl: await closedPortUrl() });
    const client = await rig.connect('down-1');
    await expectUntouched(client, 'thread-down');
    await untilMetric(rig.proxy, 'switchyard_shadow_dropped_total', { reason: 'connect_failed' });
    expect(await dropped(rig.proxy)).toEqual({ connect_failed: 1 });
    expect(await inflight(rig)).toBe(0);
  });

  it('counts a shadow engine that refuses the handshake as connect_failed', async () => {
    rig = await new ShadowRig().start({ userFaults: { refuseWebSocket: true } });
    const client = await rig.connect('refused-1');
    await untilMetric(rig.proxy, 'switchyard_shadow_dropped_total', { reason: 'connect_failed' });
    expect(rig.user.handshakes[0]!.headers['x-switchyard-shadow']).toBe('1');
    await expectUntouched(client, 'thread-refused');
    expect(await comparisons(rig.proxy)).toEqual({ match: 0, mismatch: 0, incomplete: 0, isolation: 0 });
  });

  it('gives up a shadow handshake that hangs at the connect timeout, and judges nothing', async () => {
    failing = await startHangingServer();
    rig = await new ShadowRig().start({ userUrl: failing.url, shadow: { connectTimeoutMs: 3000 } });
    const client = await rig.connect('hang-1');
    await expectUntouched(client, 'thread-hang');
    expect(failing.accepted()).toBe(1);
    await untilMetric(rig.proxy, 'switchyard_shadow_dropped_total', { reason: 'timeout' });
    expect(await dropped(rig.proxy)).toEqual({ timeout: 1 });
    expect(await comparisons(rig.proxy)).toEqual({ match: 0, mismatch: 0, incomplete: 0, isolation: 0 });
    expect(await inflight(rig)).toBe(0);
  });

  it('drops the shadow when client frames pile up past the buffer cap while it connects', async () => {
    failing = await startHangingServer();
    rig = await new ShadowRig().start({ userUrl: failing.url, shadow: { bufferFrames: 3 } });
    const client = await rig.connect('buffer-1');
    for (let i = 0; i < 5; i++) client.send({ type: 'ping', n: i });
    await until(() => client.frames.filter((f) => f.type === 'pong').length === 5);
    expect(await dropped(rig.proxy)).toEqual({ buffer_full: 1 });
    await expectUntouched(client, 'thread-buffer');
    expect(await inflight(rig)).toBe(0);
  });

  it('cuts off a flooding shadow engine and counts it as flood', async () => {
    failing = await startWsStub(20_000);
    rig = await new ShadowRig().start({ userUrl: failing.url, shadow: { maxFramesPerSecond: 200 } });
    const client = await rig.connect('flood-1');
    await untilMetric(rig.proxy, 'switchyard_shadow_dropped_total', { reason: 'flood' });
    await expectUntouched(client, 'thread-flood');
    const received = await metric(rig.proxy, 'switchyard_ws_frames_total', { direction: 'shadow_to_proxy' });
    expect(received).toBeLessThanOrEqual(201);
    expect(client.frames.some((f) => f.payload?.reasoning?.startsWith('xxx'))).toBe(false);
    expect(await inflight(rig)).toBe(0);
  });

  it('judges a run incomplete (timeout) when the shadow engine accepts it and never answers', async () => {
    failing = await startWsStub(0);
    rig = await new ShadowRig().start({ userUrl: failing.url, shadow: { runTimeoutMs: 400 } });
    const client = await rig.connect('silent-1');
    await expectUntouched(client, 'thread-silent');
    await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', { result: 'incomplete' });
    const { body } = await rig.proxy.admin('GET', '/admin/divergences?kind=incomplete');
    expect(body.items[0]).toMatchObject({ result: 'incomplete', incompleteReason: 'timeout' });
    expect(body.items[0].candidate.events).toEqual([]);
    expect(await dropped(rig.proxy)).toEqual({});
  });

  it('stops shadowing, judging nothing, when the session falls back to the shadow engine itself', async () => {
    rig = await new ShadowRig().start({
      rollout: 100,
      userFaults: { refuseWebSocket: true },
      config: { websocket: { fallbackToLegacy: true } },
    });
    const client = await rig.connect('fallback-1');
    expect(client.frames[0].data.engine).toBe('legacy');
    await expectUntouched(client, 'thread-fallback');
    await until(() => rig.legacy.openSockets() === 1);
    expect(await inflight(rig)).toBe(0);
    expect(await comparisons(rig.proxy)).toEqual({ match: 0, mismatch: 0, incomplete: 0, isolation: 0 });
  });

  it('judges the run in flight incomplete when the shadow engine goes away, and keeps serving the client', async () => {
    rig = await new ShadowRig().start({ userFaults: { stepDelayMs: 300 } });
    const client = await rig.connect('dies-1');
    await client.run({ text: 'first', thread_id: 'thread-dies' });
    await rig.user.close();
    await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', { result: 'incomplete' });
    const { body } = await rig.proxy.admin('GET', '/admin/divergences');
    expect(body.items[0]).toMatchObject({ result: 'incomplete', incompleteReason: 'closed' });
    await expectUntouched(client, 'thread-dies');
    expect(await inflight(rig)).toBe(0);
  });
});
