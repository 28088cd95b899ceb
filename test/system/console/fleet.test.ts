import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { ADMIN_TOKEN, READ_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { picturePath, textOf } from './browser.js';
import { useConsoleBrowser } from './console-browser.js';

jest.setTimeout(40_000);

/** Two replicas sharing one store file (heartbeat 200 ms): the console's instances panel and audit trail. */
let legacy: EchoUpstream;
let user: EchoUpstream;
let proxies: ProxyUnderTest[] = [];
const dirs: string[] = [];

const consoles = useConsoleBrowser();

beforeAll(async () => {
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
});

afterEach(async () => {
  for (const p of proxies.splice(0)) await p.stop();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

afterAll(async () => {
  await Promise.all([legacy.close(), user.close()]);
});

async function replica(storePath?: string): Promise<ProxyUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-console-fleet-'));
  dirs.push(dir);
  const p = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    dir,
    config: { store: { path: storePath ?? join(dir, 'store.db'), heartbeatMs: 200 }, log: { level: 'warn' } },
  });
  proxies.push(p);
  return p;
}

const signedIn = (proxy: ProxyUnderTest, token = ADMIN_TOKEN): Promise<Page> =>
  consoles.signedIn(proxy.opsUrl, token);

describe('console instances panel', () => {
  it('lists every replica with version, heartbeat, flag source, sessions and guard mode, and greys a gone one', async () => {
    const first = await replica();
    const second = await replica(first.config.store.path);
    const page = await signedIn(first);
    const table = page.getByRole('table', { name: 'Replicas sharing the store' });
    const self = first.app.fleetStore.instance;
    const other = second.app.fleetStore.instance;

    const selfRow = table.getByRole('row').filter({ hasText: self });
    const otherRow = table.getByRole('row').filter({ hasText: other });
    expect(await textOf(selfRow, /\(this one\)/, 10_000)).toMatch(/file ✓.*0.*enforce.*✓ live/);
    expect(await textOf(otherRow, /✓ live/, 10_000)).not.toContain('this one');
    expect(await selfRow.textContent()).toMatch(/\d+\.\d+\.\d+/);
    expect(await selfRow.textContent()).toMatch(/\d+ s ago/);
    await textOf(page.getByRole('region', { name: 'Instances' }), /2 live, 0 gone/);

    // Stopped: silent for 3 heartbeats, it is shown as gone, in words and greyed.
    await second.stop();
    proxies = proxies.filter((p) => p !== second);
    expect(await textOf(otherRow, /✕ gone/, 10_000)).toContain(other);
    expect(await otherRow.getAttribute('class')).toBe('gone');
    expect(await textOf(selfRow, /✓ live/)).toContain(self);
    await textOf(page.getByRole('region', { name: 'Instances' }), /1 live, 1 gone/);
  });
});

describe('console audit trail', () => {
  it('shows each change with action, role, actor, address, before -> after, reason and instance', async () => {
    const proxy = await replica();
    const page = await signedIn(proxy);
    const trail = page.getByRole('table', { name: 'Changes, newest first' });
    await textOf(page.getByRole('region', { name: 'Audit trail' }), /No changes recorded yet/);

    await page.getByLabel('Rollout percent').fill('10');
    await page.getByRole('button', { name: 'Apply rollout' }).click();
    await textOf(page.getByLabel('Current rollout'), /^10%/);
    await proxy.admin('POST', '/admin/rollback', { reason: 'errors up on user' });

    const rows = trail.getByRole('row');
    await textOf(rows.nth(1), /errors up on user/);
    const [rollback, rollout] = [await rows.nth(1).textContent(), await rows.nth(2).textContent()];
    expect(rollback).toMatch(/rollback.*admin.*jest.*127\.0\.0\.1.*rollback false → true.*errors up on user/);
    expect(rollout).toMatch(/rollout.*admin.*console.*rollout 0 → 10/);
    expect(rollout).toContain(proxy.app.fleetStore.instance);
    await page
      .getByRole('region', { name: 'Audit trail' })
      .screenshot({ path: picturePath('console-audit.png') });
  });

  it('pages back with Older and forward with Newer', async () => {
    const proxy = await replica();
    for (let percent = 1; percent <= 30; percent++) {
      expect((await proxy.admin('PUT', '/admin/rollout', { percent })).status).toBe(200);
    }
    const page = await signedIn(proxy);
    const region = page.getByRole('region', { name: 'Audit trail' });
    const rows = page.getByRole('table', { name: 'Changes, newest first' }).getByRole('row');
    await textOf(rows.nth(1), /rollout 29 → 30/);
    expect(await rows.count()).toBe(26);
    const pages = page.getByRole('navigation', { name: 'Audit pages' });
    expect(await pages.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);

    await pages.getByRole('button', { name: 'Older' }).click();
    await textOf(rows.nth(1), /rollout 4 → 5/);
    expect(await rows.count()).toBe(6);
    expect(await rows.last().textContent()).toMatch(/rollout 0 → 1/);
    await textOf(pages, /Page 2/);
    expect(await pages.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    // An older page stays put while new changes arrive.
    await proxy.admin('PUT', '/admin/rollout', { percent: 31 });
    await textOf(region, /5 shown/);

    await pages.getByRole('button', { name: 'Newer' }).click();
    await textOf(rows.nth(1), /rollout 30 → 31/);
    expect(await rows.count()).toBe(26);
  });

  it('is readable with the read-only token', async () => {
    const proxy = await replica();
    await proxy.admin('PUT', '/admin/shadow', { percent: 20 });
    const page = await signedIn(proxy, READ_TOKEN);
    await textOf(page.getByRole('table', { name: 'Changes, newest first' }), /shadow 0 → 20/);
    await textOf(page.getByRole('region', { name: 'Instances' }), /\(this one\)/);
  });
});
