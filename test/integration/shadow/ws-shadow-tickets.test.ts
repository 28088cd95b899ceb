import { token, until } from '../engines/helpers.js';
import type { ProxyUnderTest } from '../../support/proxy-harness.js';
import { comparisons, dropped, metric, ShadowRig, untilMetric } from './rig.js';

let rig: ShadowRig;

beforeEach(async () => {
  rig = await new ShadowRig().start();
});

afterEach(async () => {
  await rig.close();
});

async function ticketFor(proxy: ProxyUnderTest, jwt: string): Promise<string> {
  const res = await fetch(`${proxy.url}/api/websocket/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttl_seconds: 60, single_use: true, permissions: [] }),
  });
  return ((await res.json()) as { ticket_id: string }).ticket_id;
}

describe('shadowing ticket sessions', () => {
  it('signs the shadow socket in with the JWT seen when the ticket was issued, never with the ticket', async () => {
    const jwt = await token('tia');
    const ticket = await ticketFor(rig.proxy, jwt);
    const client = await rig.connectWith(`/ws?ticket=${encodeURIComponent(ticket)}`, {});
    expect(client.frames[0].data.user_id).toBe('tia');
    await until(() => rig.user.handshakes.length === 1);
    const shadow = rig.user.handshakes[0]!;
    expect(shadow.headers.authorization).toBe(`Bearer ${jwt}`);
    expect(shadow.headers['x-switchyard-shadow']).toBe('1');
    expect(shadow.path).toBe('/ws');
    expect(rig.legacy.handshakes[0]!.path).toContain('ticket=');
    await client.run({ text: 'ticketed', thread_id: 'thread-tia' });
    await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', {});
    expect(await comparisons(rig.proxy)).toMatchObject({ match: 1 });
  });

  it('does not shadow a ticket issued through another replica, and counts it no_credential', async () => {
    const jwt = await token('uma');
    const ticket = await ticketFor(rig.proxy, jwt);
    const other = await rig.startProxy();
    const client = await rig.connectWith(`/ws?ticket=${encodeURIComponent(ticket)}`, {}, other);
    expect(client.frames[0].data.user_id).toBe('uma');
    const events = await client.run({ text: 'elsewhere', thread_id: 'thread-uma' });
    expect(events.at(-1).type).toBe('agent_completed');
    expect(await dropped(other)).toEqual({ no_credential: 1 });
    expect(rig.user.handshakes).toHaveLength(0);
    expect(await metric(other, 'switchyard_shadow_inflight', { kind: 'ws' })).toBe(0);
  });
});
