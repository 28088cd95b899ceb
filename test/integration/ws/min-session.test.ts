import { startRig, type Rig } from './rig.js';
import { token, until } from '../engines/helpers.js';
import { WebClient } from '../../support/web-client.js';

let rig: Rig;
const clients: WebClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  await rig.stop();
});

describe('an engine that refuses the connect, as the web client lives it', () => {
  it('is closed no sooner than minSessionMs after the session opened, so the web client can come back', async () => {
    rig = await startRig({ config: { websocket: { minSessionMs: 1500 } } });
    rig.legacy.faults.refuseWebSocket = true;
    const client = new WebClient({
      origin: rig.proxy.url,
      token: () => token('refused-user'),
      generation: 'ticket',
    });
    clients.push(client);
    client.start();
    await until(() => client.attempts.some((a) => a.code !== undefined));
    const first = client.attempts[0]!;
    expect([1011, 1013]).toContain(first.code);
    expect(first.closedAt! - first.startedAt).toBeGreaterThanOrEqual(1400);
    rig.legacy.faults.refuseWebSocket = false;
    // Open, and the welcome frame (which names the engine) is in.
    await until(() => client.state === 'open' && client.engine !== undefined);
    expect(client.stoppedBy).toBeNull();
    expect(client.engine).toBe('legacy');
  }, 15_000);

  it('with minSessionMs 0 the web client is left dead by its own 1 s throttle (the trap the default avoids)', async () => {
    rig = await startRig({ config: { websocket: { minSessionMs: 0 } } });
    rig.legacy.faults.refuseWebSocket = true;
    const client = new WebClient({
      origin: rig.proxy.url,
      token: () => token('refused-user-2'),
      generation: 'ticket',
    });
    clients.push(client);
    client.start();
    await until(() => client.state === 'dead' || client.state === 'gave-up');
    rig.legacy.faults.refuseWebSocket = false;
    // 'dead' is final for the web client: it never tries again, whatever the engine does now.
    expect(client.state).toBe('dead');
    expect(client.stoppedBy).toBe('throttled');
  }, 15_000);
});
