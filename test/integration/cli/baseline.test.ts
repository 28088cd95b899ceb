import { jest } from '@jest/globals';
import { useCliProxy } from '../../support/cli-proxy-fixture.js';

jest.setTimeout(30_000);

const t = useCliProxy();
const { cli } = t;

describe('switchyard baseline', () => {
  it('sets the noise baseline percentage, says from what to what, and status shows it', async () => {
    const r = await cli(['baseline', '5']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('baseline 0% -> 5% (stage legacy)\n');
    expect((await t.proxy.admin('GET', '/admin/state')).body.baseline).toEqual({
      percent: 5,
      flag: 'switchyard-baseline',
    });
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/^baseline\s+5%\s+\(flag switchyard-baseline\)$/m);
  });

  it('refuses a percentage out of range without changing anything', async () => {
    const r = await cli(['baseline', '150']);
    expect(r.code).toBe(64);
    expect((await t.proxy.admin('GET', '/admin/state')).body.baseline.percent).toBe(0);
  });

  it('lists the baseline book with divergences --baseline', async () => {
    const r = await cli(['divergences', '--baseline', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ items: [] });
  });
});
