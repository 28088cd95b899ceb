import { jest } from '@jest/globals';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { ADMIN_TOKEN, READ_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signIn, textOf, type ConsolePage } from './browser.js';
import { useConsoleBrowser } from './console-browser.js';

jest.setTimeout(30_000);

let legacy: EchoUpstream;
let user: EchoUpstream;
let proxy: ProxyUnderTest;

const consoles = useConsoleBrowser();

beforeAll(async () => {
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
  proxy = await startProxy({ legacyUrl: legacy.url, userUrl: user.url });
});

afterAll(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

const open = (path?: string): Promise<ConsolePage> =>
  consoles.open(proxy.opsUrl, path === undefined ? {} : { path });

describe('console sign-in', () => {
  it('serves the page with a strict CSP and the security headers, and redirects / there', async () => {
    const page = await fetch(`${proxy.opsUrl}/console/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('set-cookie')).toBeNull();
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);

    const script = await fetch(`${proxy.opsUrl}/console/dist/main.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${proxy.opsUrl}/console/src/main.ts`)).status).toBe(404);
    expect((await fetch(`${proxy.opsUrl}/console/tsconfig.json`)).status).toBe(404);

    const root = await fetch(`${proxy.opsUrl}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const bare = await fetch(`${proxy.opsUrl}/console`, { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe('/console/');
  });

  it('shows nothing but the sign-in form without a token', async () => {
    const { page } = await open('/');
    expect(page.url()).toBe(`${proxy.opsUrl}/console/`);
    await page.getByLabel('Admin token').waitFor();
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign in']);
    expect(await page.getByRole('textbox').count()).toBe(1);
    expect(await page.locator('#app').innerHTML()).toBe('');
  });

  it('refuses a wrong token with an alert, and renders no control', async () => {
    const { page } = await open();
    await signIn(page, 'not-the-admin-token-0123456789abcdef');
    expect(await textOf(page.getByRole('alert'), /not accept/)).toMatch(/admin token/);
    expect(await page.getByLabel('Rollout percent').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('signs in with the admin token, keeps it in session storage only and sets no cookie', async () => {
    const { page, context } = await open();
    await signIn(page, ADMIN_TOKEN);
    expect(await textOf(page.getByLabel('Current rollout'), /^\d+%/)).toBe('0%');
    expect(await page.getByRole('button', { name: 'Apply rollout' }).isEnabled()).toBe(true);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([ADMIN_TOKEN]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await context.cookies()).toEqual([]);

    await page.reload();
    await textOf(page.getByLabel('Current rollout'), /^0%/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    expect(await page.getByLabel('Current rollout').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('signs in from #token= on load and on hashchange, and takes it out of the address at once', async () => {
    const { page } = await open(`/console/#token=${encodeURIComponent(ADMIN_TOKEN)}`);
    await textOf(page.getByLabel('Current rollout'), /^0%/);
    expect(page.url()).toBe(`${proxy.opsUrl}/console/`);

    const other = await open();
    await other.page.getByLabel('Admin token').waitFor();
    await other.page.evaluate((t) => {
      location.hash = `token=${encodeURIComponent(t)}`;
    }, ADMIN_TOKEN);
    await textOf(other.page.getByLabel('Current rollout'), /^0%/);
    expect(other.page.url()).toBe(`${proxy.opsUrl}/console/`);
  });

  it('signs in with the read-only token and disables every control, saying why', async () => {
    const { page } = await open();
    await signIn(page, READ_TOKEN);
    await textOf(page.getByLabel('Current rollout'), /^0%/);
    await expect(
      page.getByText('the controls are disabled because this token can only read').isVisible(),
    ).resolves.toBe(true);
    for (const name of ['Apply rollout', 'Apply shadow', 'Roll back', 'Resume']) {
      expect(await page.getByRole('button', { name, exact: true }).isDisabled()).toBe(true);
    }
    expect(await page.getByLabel('Rollout percent').isDisabled()).toBe(true);
    // Reading still works: the assignment lookup is a GET.
    await page.getByLabel('User id').fill('alice');
    await page.getByRole('button', { name: 'Look up' }).click();
    await textOf(page.getByRole('region', { name: 'Assignment' }), /legacy/);
  });
});
