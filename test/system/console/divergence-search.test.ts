import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { record, type RecordSpec } from '../../integration/store/records.js';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { ADMIN_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { textOf } from './browser.js';
import { useConsoleBrowser } from './console-browser.js';

jest.setTimeout(40_000);

/**
 * The divergence search over the durable store: filters and paging, against records written
 * through the proxy's own store queue (as the shadow side writes them).
 */
let legacy: EchoUpstream;
let user: EchoUpstream;
let proxy: ProxyUnderTest;

const HOUR = 3_600_000;

const consoles = useConsoleBrowser();

beforeAll(async () => {
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
  proxy = await startProxy({ legacyUrl: legacy.url, userUrl: user.url, config: { log: { level: 'warn' } } });
  const now = Date.now();
  let n = 0;
  const add = (spec: Omit<RecordSpec, 'n'>) =>
    proxy.app.fleetStore.recordDivergence(record({ n: n++, ...spec }).divergence);
  for (let i = 0; i < 60; i++) add({ at: now - 60_000 - i * 100, kinds: ['tool'] });
  for (let i = 0; i < 5; i++) add({ at: now - 2 * 60_000 - i, kinds: ['status'], route: 'runs_list' });
  for (let i = 0; i < 3; i++) add({ at: now - 3 * HOUR - i, kinds: ['order'] });
  add({ at: now - 30_000, source: 'baseline', control: 'legacy', candidate: 'legacy', kinds: ['field'] });
  add({ at: now - 31_000, source: 'baseline', control: 'user', candidate: 'user', kinds: ['field'] });
  await proxy.app.fleetStore.settle();
});

afterAll(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

const signedIn = (): Promise<Page> => consoles.signedIn(proxy.opsUrl, ADMIN_TOKEN);

const table = (page: Page) => page.getByRole('table', { name: 'Recent divergences' });
const rows = async (page: Page) => (await table(page).getByRole('row').count()) - 1;
const region = (page: Page) => page.getByRole('region', { name: 'Divergences' });

async function search(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(fields))
    await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Search' }).click();
}

describe('console divergence search', () => {
  it('pages through the cross-engine book 50 at a time with Older and Newer', async () => {
    const page = await signedIn();
    const pages = page.getByRole('navigation', { name: 'Divergence pages' });
    await textOf(region(page), /50 shown/);
    expect(await table(page).getByRole('row').nth(1).textContent()).toMatch(/mismatch: tool/);
    await pages.getByRole('button', { name: 'Older' }).click();
    await textOf(region(page), /18 shown/);
    expect(await table(page).textContent()).toMatch(/mismatch: order/);
    expect(await pages.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await pages.getByRole('button', { name: 'Newer' }).click();
    await textOf(region(page), /50 shown/);
    expect(await pages.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);
  });

  it('searches by time, route, kind, book and engine, back to the newest page each time', async () => {
    const page = await signedIn();
    await textOf(region(page), /50 shown/);
    await page
      .getByRole('navigation', { name: 'Divergence pages' })
      .getByRole('button', { name: 'Older' })
      .click();
    await textOf(region(page), /18 shown/);

    await search(page, { Since: '1h' });
    await textOf(region(page), /50 shown/);
    await page
      .getByRole('navigation', { name: 'Divergence pages' })
      .getByRole('button', { name: 'Older' })
      .click();
    await textOf(region(page), /15 shown/);
    expect(await table(page).textContent()).not.toMatch(/order/);

    await search(page, { Since: '', Until: new Date(Date.now() - HOUR).toISOString() });
    await textOf(region(page), /3 shown/);
    expect(await table(page).textContent()).toMatch(/^(?:.*mismatch: order){3}/);

    await search(page, { Until: '', Route: 'runs_list' });
    await textOf(region(page), /5 shown/);
    expect(await table(page).getByRole('row').nth(1).textContent()).toMatch(
      /mismatch: status.*runs_list.*legacy \/ user/,
    );

    await search(page, { Route: '' });
    await page.getByLabel('Kind').selectOption('order');
    await textOf(region(page), /3 shown/);
    await page.getByLabel('Kind').selectOption('');
    await page.getByLabel('Book').selectOption('baseline');
    await textOf(region(page), /2 shown/);
    await page.getByLabel('Engine').selectOption('user');
    await textOf(region(page), /1 shown/);
    expect(await table(page).getByRole('row').nth(1).textContent()).toMatch(/user \/ user/);
    await page.getByLabel('Book').selectOption('cross');
    await search(page, { Route: 'nothing_here' });
    await textOf(region(page), /No divergences match this search/);
    expect(await rows(page)).toBe(0);
  });

  it("shows the API's refusal of a malformed search in words, with no stale rows", async () => {
    const page = await signedIn();
    await textOf(region(page), /50 shown/);
    await search(page, { Since: 'yesterday' });
    expect(await textOf(region(page), /refused/)).toMatch(/since must be an ISO-8601 time/);
    expect(await rows(page)).toBe(0);
    await search(page, { Since: '' });
    await textOf(region(page), /50 shown/);
  });
});
