import type { Browser, Page } from 'playwright-core';
import { closeChecked, launch, openConsole, signIn, textOf, type ConsolePage } from './browser.js';

export interface OpenOptions {
  path?: string;
  viewport?: { width: number; height: number };
}

export interface ConsoleBrowser {
  /** The console in a fresh context, closed (and checked) after the test. */
  open(opsUrl: string, options?: OpenOptions): Promise<ConsolePage>;
  /** The console signed in with `token`, once it shows the first state (the rollout figure). */
  signedIn(opsUrl: string, token: string, options?: OpenOptions): Promise<Page>;
}

/**
 * The browser of a console test file: launched before its tests and closed after them; the pages
 * a test opens are checked (no off-origin request, no script error) and closed after it, before
 * the file's own afterEach hooks stop the proxy (call this before declaring them).
 */
export function useConsoleBrowser(): ConsoleBrowser {
  let browser: Browser | undefined;
  const opened: ConsolePage[] = [];
  beforeAll(async () => {
    browser = await launch();
  });
  afterEach(async () => {
    await closeChecked(opened.splice(0));
  });
  afterAll(async () => {
    await browser?.close();
  });
  const open = async (opsUrl: string, options: OpenOptions = {}): Promise<ConsolePage> => {
    if (browser === undefined) throw new Error('useConsoleBrowser: the browser is not launched yet');
    const c = await openConsole(browser, opsUrl, options);
    opened.push(c);
    return c;
  };
  return {
    open,
    async signedIn(opsUrl, token, options = {}) {
      const { page } = await open(opsUrl, options);
      await signIn(page, token);
      await textOf(page.getByLabel('Current rollout'), /^\d+%/);
      return page;
    },
  };
}
