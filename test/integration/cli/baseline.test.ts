import { jest } from '@jest/globals';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { ADMIN_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { assertBuilt, runCli } from './run-cli.js';

jest.setTimeout(30_000);

let legacy: EchoUpstream;
let user: EchoUpstream;
let proxy: ProxyUnderTest;

beforeAll(assertBuilt);

beforeEach(async () => {
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
  proxy = await startProxy({ legacyUrl: legacy.url, userUrl: user.url });
});

afterEach(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

const cli = (args: string[]) => runCli(args, { opsUrl: proxy.opsUrl, env: { ADMIN_TOKEN } });

describe('switchyard baseline', () => {
  it('sets the noise baseline percentage, says from what to what, and status shows it', async () => {
    const r = await cli(['baseline', '5']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('baseline 0% -> 5% (stage legacy)\n');
    expect((await proxy.admin('GET', '/admin/state')).body.baseline).toEqual({
      percent: 5,
      flag: 'switchyard-baseline',
    });
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/^baseline\s+5%\s+\(flag switchyard-baseline\)$/m);
  });

  it('refuses a percentage out of range without changing anything', async () => {
    const r = await cli(['baseline', '150']);
    expect(r.code).toBe(64);
    expect((await proxy.admin('GET', '/admin/state')).body.baseline.percent).toBe(0);
  });

  it('lists the baseline book with divergences --baseline', async () => {
    const r = await cli(['divergences', '--baseline', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ items: [] });
  });
});
