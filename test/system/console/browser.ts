import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** docs/decisions.md, "Tests": as root, offline, without Chromium's own calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Where a screenshot goes: a temporary folder, so a test run never rewrites a tracked file;
 * `scripts/console-pictures.mjs` points CONSOLE_PICTURES_DIR at docs/ to refresh the docs' pictures.
 */
export function picturePath(name: string): string {
  picturesDir ??= process.env['CONSOLE_PICTURES_DIR'] ?? mkdtempSync(join(tmpdir(), 'switchyard-console-'));
  return join(picturesDir, name);
}
let picturesDir: string | undefined;

/** Starts Chromium; the console bundle it loads is built by the jest globalSetup when stale. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Every request the page made that was not to the proxy's own ops origin. */
  offOrigin: string[];
  /** Uncaught script errors and CSP violations (a failed fetch's 401 is not one). */
  problems: string[];
}

/** A fresh context (own session storage) watching every request it makes. */
export async function openConsole(
  browser: Browser,
  opsUrl: string,
  { path = '/console/', viewport = { width: 1280, height: 800 } } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport });
  const offOrigin: string[] = [];
  context.on('request', (request) => {
    if (!request.url().startsWith(`${opsUrl}/`)) offOrigin.push(request.url());
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(msg.text());
  });
  await page.goto(`${opsUrl}${path}`);
  return { context, page, offOrigin, problems };
}

/** Closes what a test opened, having checked it stayed on its origin and raised no script error. */
export async function closeChecked(pages: ConsolePage | readonly ConsolePage[] | null): Promise<void> {
  for (const c of pages === null ? [] : Array.isArray(pages) ? pages : [pages as ConsolePage]) {
    expect(c.offOrigin).toEqual([]);
    expect(c.problems).toEqual([]);
    await c.context.close();
  }
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits until the locator's text matches (the console refreshes by itself). */
export async function textOf(locator: Locator, expected: RegExp, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : '<absent>';
    if (expected.test(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`text ${JSON.stringify(last)} never matched ${String(expected)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
