import { token, until } from '../engines/helpers.js';
import { WebClient } from '../../support/web-client.js';
import { startRig, type Rig } from './rig.js';

let rig: Rig;
const clients: WebClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  await rig.stop();
});

function webClient(sub: string, generation: 'ticket' | 'jwt'): WebClient {
  const c = new WebClient({ origin: rig.proxy.url, token: () => token(sub), generation });
  clients.push(c);
  c.start();
  return c;
}

describe('rollback drain, as the web client lives it', () => {
  it('brings every one of 30 web clients back on legacy at its first attempt (default timing: 5 s age, 5 s window)', async () => {
    rig = await startRig();
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    const web = Array.from({ length: 30 }, (_, i) => webClient(`web-${i}`, i % 3 === 0 ? 'jwt' : 'ticket'));
    await until(() => web.every((c) => c.engine === 'user'), 30_000);
    web
      .slice(0, 10)
      .forEach((c, i) =>
        c.send({ type: 'user_message', payload: { content: 'hi', thread_id: `thread-web-${i}` } }),
      );
    await until(() => rig.user.openSockets() === 30, 30_000);
    const rolledBackAt = Date.now();
    await rig.proxy.admin('POST', '/admin/rollback', { reason: 'drain test' });

    // The slots end 10 s after the rollback at the latest; the rest is a busy machine's margin.
    await until(() => web.every((c) => c.engine === 'legacy' || c.stoppedBy !== null), 40_000);
    const firstClose = Math.min(...web.map((c) => c.attempts[0]!.closedAt!));
    const lastClose = Math.max(...web.map((c) => c.attempts[0]!.closedAt!));
    for (const c of web) {
      const [first, second] = c.attempts;
      expect(c.attempts).toHaveLength(2);
      expect([c.state, c.stoppedBy]).toEqual(['open', null]);
      expect([first!.engine, first!.code, second!.engine]).toEqual(['user', 1012, 'legacy']);
      // The proxy counts from its accept, which comes after the client began its attempt.
      expect(first!.closedAt! - first!.startedAt).toBeGreaterThanOrEqual(5000);
      // Its one reconnect began well past the client's 1 s throttle: the trap below was avoided.
      expect(second!.startedAt - first!.startedAt).toBeGreaterThan(1000);
    }
    // Slots are counted from each session's accept, so sessions that took a while to open (a busy
    // machine) narrow the spread by that much; a busy machine only delays closes, hence the margin.
    const opened = web.map((c) => c.attempts[0]!.openedAt!);
    const openSpread = Math.max(...opened) - Math.min(...opened);
    expect(firstClose).toBeGreaterThan(rolledBackAt);
    expect(lastClose - firstClose).toBeGreaterThanOrEqual(5000 - openSpread - 100);
    expect(lastClose - firstClose).toBeLessThan(5000 + 5000);
    expect(await rig.metric('switchyard_ws_drained_total', { engine: 'user' })).toBe(30);
    expect(rig.user.openSockets()).toBe(0);
    // The ten with a thread restored their session on legacy at once.
    const restored = rig.legacy.handshakes.length;
    expect(restored).toBe(30);
    await until(() =>
      web.slice(0, 10).every((c) => c.frames.some((f) => f.received_type === 'session_restore')),
    );
  }, 90_000);

  it('shows the traps the drain must avoid: a close under 1 s after connecting, or a failed first reconnect', async () => {
    rig = await startRig({ config: { websocket: { drain: { minAgeMs: 0, windowMs: 0 } } } });
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    const young = webClient('young', 'ticket');
    await until(() => young.engine === 'user');
    await rig.proxy.admin('POST', '/admin/rollback', {});
    await until(() => young.state === 'dead');
    expect([young.stoppedBy, young.attempts.map((a) => a.code)]).toEqual(['throttled', [1012]]);

    await rig.stop();
    rig = await startRig({ config: { websocket: { drain: { minAgeMs: 1100, windowMs: 0 } } } });
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    rig.legacy.faults.refuseWebSocket = true;
    const unlucky = webClient('unlucky', 'jwt');
    await until(() => unlucky.engine === 'user');
    await rig.proxy.admin('POST', '/admin/rollback', {});
    await until(() => unlucky.state === 'dead');
    expect([unlucky.stoppedBy, unlucky.attempts.map((a) => a.code)]).toEqual(['throttled', [1012, 1013]]);
  });
});
