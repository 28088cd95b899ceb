import { useEchoProxy } from '../support/echo-proxy-fixture.js';
import { signToken } from '../support/tokens.js';

const t = useEchoProxy();

describe('nothing a request or a listener does crashes the proxy', () => {
  it('answers 500 when the request handler throws, logs it once, and serves the next request', async () => {
    const control = t.proxy.app.switchboard;
    const decide = control.decide.bind(control);
    let failNext = true;
    control.decide = (userId) => {
      if (failNext) {
        failNext = false;
        throw new Error('decision bug');
      }
      return decide(userId);
    };
    const auth = { authorization: `Bearer ${await signToken('carol')}` };
    const failed = await fetch(`${t.proxy.url}/api/threads/1`, { headers: auth });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      error: { code: 'internal', message: 'the proxy could not handle this request' },
    });
    expect((await fetch(`${t.proxy.url}/api/threads/2`, { headers: auth })).status).toBe(200);
    expect(t.proxy.logs.filter((l) => l.includes('request handler failed'))).toHaveLength(1);
  }, 30_000);

  it("logs a rollback or resume listener's throw; the change and the other listeners still happen", async () => {
    let others = 0;
    t.proxy.app.switchboard.onRollback(() => {
      throw new Error('rollback listener bug');
    });
    t.proxy.app.switchboard.onRollback(() => others++);
    t.proxy.app.switchboard.onResume(() => {
      throw new Error('resume listener bug');
    });
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    expect((await t.proxy.admin('POST', '/admin/rollback', { reason: 'test' })).status).toBe(200);
    expect(others).toBe(1);
    const auth = { authorization: `Bearer ${await signToken('dave')}` };
    const res = await fetch(`${t.proxy.url}/api/threads/1`, { headers: auth });
    expect(res.headers.get('x-switchyard-engine')).toBe('legacy');
    expect((await t.proxy.admin('POST', '/admin/resume', {})).status).toBe(200);
    const after = await fetch(`${t.proxy.url}/api/threads/1`, { headers: auth });
    expect(after.headers.get('x-switchyard-engine')).toBe('user');
    const logged = t.proxy.logs.filter((l) => l.includes('rollout listener failed'));
    expect(logged).toHaveLength(2);
  }, 30_000);
});
