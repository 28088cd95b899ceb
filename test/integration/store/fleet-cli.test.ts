import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ADMIN_TOKEN } from '../../support/proxy-harness.js';
import { TEST_SECRET } from '../../support/tokens.js';
import { useCliProxy } from '../../support/cli-proxy-fixture.js';
import { record } from './records.js';

const t = useCliProxy();
const { cli } = t;

describe('switchyard instances, audit and divergences --since against a real proxy', () => {
  it('lists this instance as up', async () => {
    const r = await cli(['instances']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^1 instance up of 1 \(\* this one\):$/m);
    expect(r.stdout).toContain(`${t.proxy.app.fleetStore.instance} *  up`);
  }, 30_000);

  it('shows the audit trail of changes, newest first, with the next page', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 10 });
    await t.proxy.admin('POST', '/admin/rollback', { reason: 'p95 up' });
    const r = await cli(['audit', '--since', '1h', '--limit', '1']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^\S+Z\s+rollback\s+admin \(jest\)\s+ok\s+reason: p95 up$/m);
    expect(r.stdout).toMatch(/^more: --cursor \S+$/m);
    const cursor = /--cursor (\S+)/.exec(r.stdout)![1]!;
    const next = await cli(['audit', '--cursor', cursor]);
    expect(next.stdout).toMatch(/^\S+Z\s+rollout\s+admin/m);
    expect(next.stdout).not.toContain('more:');
  }, 30_000);

  it('searches divergences by time and kind', async () => {
    const now = Date.now();
    t.proxy.app.fleetStore.recordDivergence(
      record({ n: 1, at: now - 3 * 3_600_000, kinds: ['tool'] }).divergence,
    );
    t.proxy.app.fleetStore.recordDivergence(record({ n: 2, at: now - 60_000, kinds: ['tool'] }).divergence);
    t.proxy.app.fleetStore.recordDivergence(record({ n: 3, at: now - 60_000, kinds: ['order'] }).divergence);
    const r = await cli(['divergences', '--since', '2h', '--kind', 'tool', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).items.map((d: { kinds: string[] }) => d.kinds)).toEqual([['tool']]);
    const bad = await cli(['divergences', '--since', 'last tuesday']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('since must be');
  }, 30_000);
});

describe('the proxy process in fleet mode', () => {
  it('refuses to start without the shared secrets, naming each one (exit 2)', async () => {
    const child = spawn(process.execPath, [join(process.cwd(), 'dist', 'src', 'main.js')], {
      cwd: t.proxy.dir,
      env: {
        PATH: process.env.PATH ?? '',
        JWT_SECRET: TEST_SECRET,
        LEGACY_ENGINE_URL: t.legacy.url,
        USER_ENGINE_URL: t.user.url,
        STORE_URL: 'postgres://switchyard@127.0.0.1:9/switchyard',
        ADMIN_TOKEN,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('TICKET_SECRET: required with a shared store (STORE_URL)');
    expect(stderr).toContain('ID_HASH_SECRET: required with a shared store (STORE_URL)');
    expect(stderr).not.toContain('ADMIN_TOKEN:');
  }, 30_000);
});
