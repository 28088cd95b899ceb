import { until } from '../engines/helpers.js';
import { startHangingServer, type FailingEngine } from './failing-shadow.js';
import { comparisons, dropped, metric, ShadowRig, untilMetric } from './rig.js';
import { signToken } from '../../support/tokens.js';
import { SECRET } from '../engines/helpers.js';

let rig: ShadowRig;
let failing: FailingEngine | null = null;

afterEach(async () => {
  await rig.close();
  await failing?.close();
  failing = null;
});

describe('shadow work is capped and shed before the primary', () => {
  it('sheds shadow sessions over the cap, counts them, and serves every client', async () => {
    rig = await new ShadowRig().start({ shadow: { maxSessions: 2 } });
    const clients = [];
    for (const u of ['cap-a', 'cap-b', 'cap-c', 'cap-d']) clients.push(await rig.connect(u));
    await until(() => rig.user.openSockets() === 2);
    expect(await metric(rig.proxy, 'switchyard_shadow_inflight', { kind: 'ws' })).toBe(2);
    expect(await dropped(rig.proxy)).toEqual({ capacity: 2 });
    // One after the other: legacy's runs of one agent started in the same millisecond cross.
    for (const [i, c] of clients.entries()) {
      const events = await c.run({ text: 'go', thread_id: `thread-cap-${i}` });
      expect(events.at(-1).type).toBe('agent_completed');
    }
    await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', {}, 2);
    expect(await comparisons(rig.proxy)).toMatchObject({ match: 2 });
    // A place freed by a session that ends is taken by the next one.
    clients[0]!.ws.close();
    await until(() => rig.user.openSockets() === 1);
    await rig.connect('cap-e');
    await until(() => rig.user.openSockets() === 2);
    expect(await metric(rig.proxy, 'switchyard_shadow_inflight', { kind: 'ws' })).toBe(2);
  });

  it('sheds HTTP shadows over the in-flight cap and never delays the client', async () => {
    failing = await startHangingServer();
    rig = await new ShadowRig().start({
      userUrl: failing.url,
      shadow: { maxInflightHttp: 1, httpTimeoutMs: 800 },
    });
    const jwt = await signToken('cap-http', { secret: SECRET });
    const get = () => fetch(`${rig.proxy.url}/health`, { headers: { authorization: `Bearer ${jwt}` } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    expect(await metric(rig.proxy, 'switchyard_shadow_inflight', { kind: 'http' })).toBe(1);
    expect(await dropped(rig.proxy)).toEqual({ capacity: 2 });
    await untilMetric(rig.proxy, 'switchyard_shadow_dropped_total', { reason: 'timeout' });
    expect(await metric(rig.proxy, 'switchyard_shadow_inflight', { kind: 'http' })).toBe(0);
  });
});
