import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { startEchoUpstream, type EchoUpstream } from '../../support/echo-upstream.js';
import { ADMIN_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { signToken } from '../../support/tokens.js';
import { picturePath, textOf } from './browser.js';
import { useConsoleBrowser } from './console-browser.js';

jest.setTimeout(30_000);

let legacy: EchoUpstream;
let user: EchoUpstream;
let proxy: ProxyUnderTest;

const consoles = useConsoleBrowser();

beforeAll(async () => {
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
});

beforeEach(async () => {
  proxy = await startProxy({ legacyUrl: legacy.url, userUrl: user.url });
});

afterEach(async () => {
  await proxy.stop();
});

afterAll(async () => {
  await Promise.all([legacy.close(), user.close()]);
});

const signedIn = (viewport?: { width: number; height: number }): Promise<Page> =>
  consoles.signedIn(proxy.opsUrl, ADMIN_TOKEN, viewport === undefined ? {} : { viewport });

const state = async () => (await proxy.admin('GET', '/admin/state')).body;
const audits = () => proxy.logs.map((l) => JSON.parse(l)).filter((l) => l.audit !== undefined);

async function ramp(page: Page, percent: number): Promise<void> {
  await page.getByLabel('Rollout percent').fill(String(percent));
  await page.getByRole('button', { name: 'Apply rollout' }).click();
}

describe('console controls', () => {
  it('ramps the rollout through the admin API, with the audit line naming the console', async () => {
    const page = await signedIn();
    await ramp(page, 10);
    await textOf(page.getByLabel('Current rollout'), /^10%/);
    expect((await state()).rollout.percent).toBe(10);
    expect(audits().at(-1).audit).toMatchObject({
      action: 'rollout',
      role: 'admin',
      actor: 'console',
      before: { rollout: 0 },
      after: { rollout: 10 },
    });
    expect(await page.getByRole('status').filter({ hasText: 'Rollout is now 10%.' }).count()).toBe(1);
  });

  it('asks before a ramp of more than 25 points, and does nothing when cancelled', async () => {
    const page = await signedIn();
    await ramp(page, 10);
    await textOf(page.getByLabel('Current rollout'), /^10%/);
    await ramp(page, 60);
    const dialog = page.getByRole('dialog');
    expect(await textOf(dialog, /from 10% to 60%/)).toContain('50 points');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.count()).toBe(0);
    expect((await state()).rollout.percent).toBe(10);

    await page.getByRole('button', { name: 'Apply rollout' }).click();
    await page.getByRole('button', { name: 'Confirm rollout' }).click();
    await textOf(page.getByLabel('Current rollout'), /^60%/);
    expect((await state()).rollout.percent).toBe(60);
    // Down, or up by 25 at most, goes at once.
    await ramp(page, 85);
    await textOf(page.getByLabel('Current rollout'), /^85%/);
  });

  it('sets the shadow percentage', async () => {
    const page = await signedIn();
    await page.getByLabel('Shadow percent').fill('100');
    await page.getByRole('button', { name: 'Apply shadow' }).click();
    await textOf(page.getByLabel('Current shadow'), /^100%/);
    expect((await state()).shadow.percent).toBe(100);
    await textOf(page.getByLabel('Stage'), /^shadow$/);
  });

  it("shows the API's refusal in words, in an alert, and changes nothing", async () => {
    const page = await signedIn();
    await ramp(page, 150);
    expect(await textOf(page.getByRole('alert'), /refused/)).toMatch(/percent must be 0\.\.100/);
    await ramp(page, 12.5);
    await textOf(page.getByRole('alert'), /whole number/);
    await page.getByLabel('Rollout percent').fill('');
    await page.getByRole('button', { name: 'Apply rollout' }).click();
    await textOf(page.getByRole('alert'), /Enter a whole number from 0 to 100/);
    expect((await state()).rollout.percent).toBe(0);
    await page.getByRole('button', { name: 'Dismiss message' }).click();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('rolls back with a reason and resumes, each after a confirmation', async () => {
    const page = await signedIn();
    await ramp(page, 20);
    await textOf(page.getByLabel('Current rollout'), /^20%/);

    await page.getByRole('button', { name: 'Roll back' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back' });
    await dialog.getByLabel('Reason').fill('error spike on user engine');
    await dialog.getByRole('button', { name: 'Confirm rollback' }).click();
    await textOf(page.getByLabel('Rollback switch'), /^Engaged/);
    await textOf(page.getByLabel('Stage'), /^rolled-back$/);
    const migration = page.getByRole('region', { name: 'Migration' });
    await textOf(migration, /Triggermanual/);
    await textOf(migration, /Reasonerror spike on user engine/);
    expect((await state()).rollback).toMatchObject({
      engaged: true,
      trigger: 'manual',
      reason: 'error spike on user engine',
    });

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await textOf(page.getByRole('dialog', { name: 'Resume' }), /back to 20%/);
    await page.getByRole('button', { name: 'Confirm resume' }).click();
    await textOf(page.getByLabel('Rollback switch'), /^Off/);
    expect((await state()).rollback.engaged).toBe(false);
    expect(audits().map((a) => a.audit.action)).toEqual(['rollout', 'rollback', 'resume']);
  });

  it('follows changes made elsewhere (the CLI, another replica) within two seconds', async () => {
    const page = await signedIn();
    await proxy.admin('PUT', '/admin/rollout', { percent: 30 });
    await textOf(page.getByLabel('Current rollout'), /^30%/, 2500);
    await proxy.admin('POST', '/admin/rollback', { reason: 'from the CLI' });
    await textOf(page.getByLabel('Rollback switch'), /^Engaged/, 2500);
    await textOf(page.getByRole('region', { name: 'Migration' }), /from the CLI/);
  });

  it("looks a user up and shows the engine, the shadow and the reason in the API's words", async () => {
    await proxy.admin('PUT', '/admin/rollout', { percent: 50 });
    await proxy.admin('PUT', '/admin/shadow', { percent: 100 });
    const page = await signedIn();
    const region = page.getByRole('region', { name: 'Assignment' });
    for (const userId of ['alice', 'bob', 'carol']) {
      const expected = (await proxy.admin('GET', `/admin/assignments/${userId}`)).body;
      await page.getByLabel('User id').fill(userId);
      await page.getByRole('button', { name: 'Look up' }).click();
      const text = await textOf(region, new RegExp(`User id${userId}Engine`));
      expect(text).toContain(`Engine${expected.serve}`);
      expect(text).toContain(`Shadow${expected.shadow}`);
      expect(text).toContain(`Reason${expected.reason}`);
    }
  });

  it('works from the keyboard alone', async () => {
    const c = await consoles.open(proxy.opsUrl);
    const { page } = c;
    await page.getByLabel('Admin token').waitFor();
    await tabTo(page, 'Admin token');
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await textOf(page.getByLabel('Current rollout'), /^0%/);

    await tabTo(page, 'Rollout percent');
    await page.keyboard.type('5');
    await page.keyboard.press('Enter');
    await textOf(page.getByLabel('Current rollout'), /^5%/);

    await tabTo(page, 'Roll back');
    await page.keyboard.press('Enter');
    expect(await focusedName(page)).toBe('Reason');
    await page.keyboard.type('keyboard drill');
    await page.keyboard.press('Enter');
    await textOf(page.getByLabel('Rollback switch'), /^Engaged/);
    expect(await focusedName(page)).toBe('Roll back');

    await tabTo(page, 'Resume');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Confirm resume');
    await page.keyboard.press('Enter');
    await textOf(page.getByLabel('Rollback switch'), /^Off/);

    await tabTo(page, 'User id');
    await page.keyboard.type('dave');
    await page.keyboard.press('Enter');
    await textOf(page.getByRole('region', { name: 'Assignment' }), /User iddave/);
  });

  it('reads at 1280x800 and on a narrow screen without sideways scrolling', async () => {
    await traffic();
    const wide = await signedIn();
    await textOf(wide.getByRole('region', { name: 'Last minute' }), /legacy\d+/);
    await wide.screenshot({ path: picturePath('console-migration.png') });
    expect(await overflow(wide)).toBe(0);

    const narrow = await signedIn({ width: 390, height: 844 });
    expect(await overflow(narrow)).toBe(0);
    expect(await narrow.getByRole('button', { name: 'Apply rollout' }).isVisible()).toBe(true);
  });
});

/** Some users through the proxy, on both engines, so the summary and the guard have figures. */
async function traffic(): Promise<void> {
  await proxy.admin('PUT', '/admin/rollout', { percent: 40 });
  for (let i = 0; i < 40; i++) {
    const res = await fetch(`${proxy.url}/api/threads/t${i}`, {
      headers: { authorization: `Bearer ${await signToken(`user-${i}`)}` },
    });
    await res.arrayBuffer();
  }
}

function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** The accessible name of the focused element, roughly: its label, aria-label or text. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (el === null) return '';
    const input = el as HTMLInputElement;
    const label = input.labels?.[0]?.textContent ?? el.getAttribute('aria-label');
    return (label ?? el.textContent ?? '').trim();
  });
}

/** Presses Tab (and only Tab) until the element named `name` has the focus. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await focusedName(page)) === name) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}`);
}
