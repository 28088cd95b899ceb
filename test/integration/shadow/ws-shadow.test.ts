import { RUN_EVENTS, token, until } from '../engines/helpers.js';
import { comparisons, metric, ShadowRig, untilMetric } from './rig.js';

let rig: ShadowRig;

afterEach(async () => {
  await rig.close();
});

const judged = (rigged: ShadowRig, n = 1) =>
  untilMetric(rigged.proxy, 'switchyard_shadow_comparisons_total', {}, n);

describe('WebSocket shadowing', () => {
  it('opens a shadow socket to the other engine, marked x-switchyard-shadow: 1 and signed in with the user JWT', async () => {
    rig = await new ShadowRig().start();
    const jwt = await token('ada');
    await rig.connectWith('/ws', { authorization: `Bearer ${jwt}` });
    await until(() => rig.user.handshakes.length === 1);
    const shadow = rig.user.handshakes[0]!;
    expect(shadow.headers['x-switchyard-shadow']).toBe('1');
    expect(shadow.headers.authorization).toBe(`Bearer ${jwt}`);
    expect(shadow.path).toBe('/ws');
    expect(rig.legacy.handshakes).toHaveLength(1);
    expect(rig.legacy.handshakes[0]!.headers['x-switchyard-shadow']).toBeUndefined();
    expect(await metric(rig.proxy, 'switchyard_shadow_inflight', { kind: 'ws' })).toBe(1);
  });

  it('never sends a shadow frame to the client: it gets exactly the served engine stream', async () => {
    rig = await new ShadowRig().start();
    const client = await rig.connect('bea');
    const direct = await rig.h.connectAs(rig.legacy, 'bea');
    const payload = { text: 'Analyze my AI costs', thread_id: 'thread-bea-1' };
    const served = await client.run(payload);
    const reference = await direct.run(payload);
    await judged(rig);
    client.send({ type: 'ping' });
    await client.waitFor((f) => f.type === 'pong');
    // Shadow frames are counted per sweep of the shadow clock, not per frame.
    await untilMetric(
      rig.proxy,
      'switchyard_ws_frames_total',
      { direction: 'shadow_to_proxy', engine: 'user' },
      7,
    );
    // Same envelope (bridge), same events as legacy sends directly; nothing from the user engine.
    expect(served.map((f) => f.type)).toEqual(reference.map((f) => f.type));
    expect(served.map((f) => Object.keys(f).sort())).toEqual(reference.map((f) => Object.keys(f).sort()));
    expect(client.frames[0].data.engine).toBe('legacy');
    expect(client.frames.map((f) => f.type)).toEqual([
      'system_message',
      ...reference.map((f) => f.type),
      'pong',
    ]);
    const fromUser = (f: any) =>
      f.data?.engine === 'user' || (RUN_EVENTS.has(f.type) && f.data !== undefined);
    expect(client.frames.some(fromUser)).toBe(false);
  });

  it('judges identical runs in different envelopes (legacy bridge, user emitter) a match', async () => {
    rig = await new ShadowRig().start();
    const client = await rig.connect('cai');
    await client.run({ text: 'hello', thread_id: 'thread-cai-1' });
    await client.run({ text: 'and again', thread_id: 'thread-cai-1' }, 'start_agent');
    await judged(rig, 2);
    expect(await comparisons(rig.proxy)).toEqual({ match: 2, mismatch: 0, incomplete: 0, isolation: 0 });
    const timings = await metric(rig.proxy, 'switchyard_run_duration_seconds', { engine: 'user' });
    expect(timings).toBeGreaterThan(0);
  });

  it('judges runs the same way when the user engine serves and legacy is the shadow', async () => {
    rig = await new ShadowRig().start({ rollout: 100 });
    const client = await rig.connect('dan');
    expect(client.frames[0].data.engine).toBe('user');
    await client.run({ text: 'reverse roles', thread_id: 'thread-dan-1' });
    await judged(rig);
    expect(rig.legacy.handshakes[0]!.headers['x-switchyard-shadow']).toBe('1');
    expect(await comparisons(rig.proxy)).toMatchObject({ match: 1 });
  });

  it.each([
    ['tool', 'mismatch', ['tool']],
    ['failure', 'mismatch', ['status']],
    ['missing_event', 'mismatch', ['missing_event']],
    ['extra_thinking', 'match', []],
  ] as const)('classifies an injected %s divergence as %s %j', async (kind, result, kinds) => {
    rig = await new ShadowRig().start({ userFaults: { divergence: { kind } } });
    const client = await rig.connect(`div-${kind}`);
    const events = await client.run({ text: 'find my costs', thread_id: `thread-${kind}` });
    expect(events.at(-1).type).toBe('agent_completed'); // the client got legacy's normal run
    await judged(rig);
    expect((await comparisons(rig.proxy))[result]).toBe(1);
    for (const k of kinds)
      expect(await metric(rig.proxy, 'switchyard_divergences_total', { kind: k })).toBe(1);
    expect(await metric(rig.proxy, 'switchyard_divergences_total')).toBe(kinds.length);
  });

  it('reports a slow first event as a field mismatch only when a latency ratio is configured', async () => {
    rig = await new ShadowRig().start({
      userFaults: { divergence: { kind: 'slow_first_event' } },
      shadow: { maxLatencyRatio: 2 },
    });
    const client = await rig.connect('eve');
    await client.run({ text: 'slow', thread_id: 'thread-eve' });
    await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', {}, 1);
    expect(await comparisons(rig.proxy)).toMatchObject({ mismatch: 1 });
    expect(await metric(rig.proxy, 'switchyard_divergences_total', { kind: 'field' })).toBe(1);
  });

  it('judges a run isolation, attributed to the shadow engine, when the shadow leaks another user event', async () => {
    rig = await new ShadowRig().start({
      rollout: 100,
      legacyFaults: { leak: true, envelope: 'emitter' },
      shadow: { runTimeoutMs: 800 },
    });
    const users = ['leak-a', 'leak-b', 'leak-c', 'leak-d'];
    const clients = await Promise.all(users.map((u) => rig.connect(u)));
    await Promise.all(clients.map((c, i) => c.run({ text: 'go', thread_id: `thread-${users[i]}` })));
    await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', { result: 'isolation' }, 1);
    const { body } = await rig.proxy.admin('GET', '/admin/divergences?kind=isolation');
    expect(body.items[0]).toMatchObject({ result: 'isolation', leakedBy: ['legacy'] });
    // The served (user) engine never leaked, and nothing of the shadow reached a client.
    clients.forEach((c, i) => {
      for (const f of c.frames) if (f.data?.user_id !== undefined) expect(f.data.user_id).toBe(users[i]);
    });
    // Nothing was blocked or reported on a client's socket; the shadow engine's leak is its own.
    expect(await metric(rig.proxy, 'switchyard_isolation_violations_total', { action: 'block' })).toBe(0);
    expect(await metric(rig.proxy, 'switchyard_isolation_violations_total', { action: 'report' })).toBe(0);
    expect(
      await metric(rig.proxy, 'switchyard_isolation_violations_total', {
        engine: 'legacy',
        action: 'shadow',
      }),
    ).toBeGreaterThan(0);
  });

  it('copies only the configured client frame types', async () => {
    rig = await new ShadowRig().start({ shadow: { copyTypes: ['user_message'] } });
    const client = await rig.connect('fay');
    await until(() => rig.user.openSockets() === 1);
    client.send({ type: 'ping' });
    await client.waitFor((f) => f.type === 'pong');
    await client.run({ text: 'only runs', thread_id: 'thread-fay' });
    await judged(rig);
    // The shadow engine answered no ping (it never got one): its welcome and the run's 7 events
    // (the user engine thinks 3 times on a prompt of odd length).
    // Counted per sweep of the shadow clock: awaited, and exactly these.
    const shadowFrames = await untilMetric(
      rig.proxy,
      'switchyard_ws_frames_total',
      {
        direction: 'shadow_to_proxy',
      },
      1 + 7,
    );
    expect(shadowFrames).toBe(1 + 7);
    expect(await comparisons(rig.proxy)).toMatchObject({ match: 1 });
  });

  it('waits for the shadow run to finish after the client leaves, then releases the session', async () => {
    rig = await new ShadowRig().start({ userFaults: { stepDelayMs: 60 } });
    const client = await rig.connect('gus');
    await client.run({ text: 'bye soon', thread_id: 'thread-gus' });
    client.ws.close(1000);
    await judged(rig);
    expect(await comparisons(rig.proxy)).toMatchObject({ match: 1 });
    await until(() => rig.user.openSockets() === 0);
    expect(await metric(rig.proxy, 'switchyard_shadow_inflight', { kind: 'ws' })).toBe(0);
  });

  it('judges runs still in flight when the client leaves incomplete after the grace period', async () => {
    rig = await new ShadowRig().start({ shadow: { closeGraceMs: 100 }, userFaults: { stepDelayMs: 400 } });
    const client = await rig.connect('hal');
    await client.run({ text: 'x', thread_id: 'thread-hal' });
    client.ws.close(1000);
    await judged(rig);
    expect(await comparisons(rig.proxy)).toMatchObject({ incomplete: 1 });
    const { body } = await rig.proxy.admin('GET', '/admin/divergences');
    expect(body.items[0]).toMatchObject({ result: 'incomplete', incompleteReason: 'closed' });
    expect(await metric(rig.proxy, 'switchyard_shadow_inflight', { kind: 'ws' })).toBe(0);
  });
});
