import { jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { DivergenceKind } from '../../../engines/index.js';
import { ADMIN_TOKEN } from '../../support/proxy-harness.js';
import { ShadowRig } from '../../integration/shadow/rig.js';
import { picturePath, textOf } from './browser.js';
import { useConsoleBrowser } from './console-browser.js';

jest.setTimeout(40_000);

let rig: ShadowRig;

const consoles = useConsoleBrowser();

afterEach(async () => {
  await rig.close();
});

/** Legacy serves and the user engine is the shadow; it diverges in one way per run, set at runtime. */
async function diverge(userId: string, kinds: DivergenceKind[]): Promise<void> {
  const client = await rig.connect(userId);
  for (const kind of kinds) {
    rig.user.faults.divergence = { kind };
    await client.run({ text: 'Analyze my AI costs', thread_id: `thread-${kind}` });
  }
  rig.user.faults.divergence = null;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { status, body } = await rig.proxy.admin('GET', '/admin/divergences');
    if (status === 404) throw new Error('pending wiring: GET /admin/divergences answers 404');
    if (body.items.length >= kinds.length) return;
    if (Date.now() > deadline) throw new Error(`only ${body.items.length} divergences recorded`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const signedIn = (): Promise<Page> => consoles.signedIn(rig.proxy.opsUrl, ADMIN_TOKEN);

describe('console divergences', () => {
  it('lists recent divergences and shows one, chosen from the keyboard, as two aligned streams', async () => {
    rig = await new ShadowRig().start({ userFaults: { stepDelayMs: 2 } });
    const page = await signedIn();
    const table = page.getByRole('table', { name: 'Recent divergences' });
    await textOf(page.getByRole('region', { name: 'Divergences' }), /No divergences recorded yet/);
    await diverge('dina', ['tool', 'failure']);

    // It refreshes by itself: newest first, with kinds and engines.
    await textOf(table.getByRole('row').nth(2), /mismatch: tool/);
    const rows = table.getByRole('row');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(1).textContent()).toMatch(/mismatch: status.*legacy \/ user/);

    await rows.nth(2).focus();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('region', { name: 'Divergence detail' });
    await textOf(detail, /Kinds/);
    expect(await detail.getByRole('columnheader', { name: 'Control', exact: true }).count()).toBe(1);
    expect(await detail.getByRole('columnheader', { name: 'Candidate', exact: true }).count()).toBe(1);
    expect(await detail.getByRole('list', { name: 'Mismatch kinds' }).textContent()).toBe('tool');
    // The tool events differ, and say so in text, not only in colour.
    const streams = detail.getByRole('table');
    const marked = streams.getByRole('row').filter({ hasText: '≠ differs' });
    expect(await marked.count()).toBeGreaterThanOrEqual(2);
    expect(await marked.first().textContent()).toMatch(
      /tool_executing.*tool: cost_query.*tool_executing.*tool: cost_forecast/,
    );
    expect(await streams.getByRole('row').filter({ hasNotText: '≠' }).count()).toBeGreaterThanOrEqual(3);
    // User ids come hashed from the API and stay so.
    expect(await detail.textContent()).not.toContain('dina');
    await page
      .getByRole('region', { name: 'Divergences' })
      .screenshot({ path: picturePath('console-divergence.png') });

    // A click chooses too; the failure's error text stays redacted.
    await rows.nth(1).click();
    expect(await detail.getByRole('list', { name: 'Mismatch kinds' }).textContent()).toBe('status');
    expect(await textOf(detail, /agent_completed/)).not.toContain('dina');
  });

  it('filters by kind, by its API name', async () => {
    rig = await new ShadowRig().start({ userFaults: { stepDelayMs: 2 } });
    await diverge('emil', ['tool', 'failure', 'missing_event']);
    const page = await signedIn();
    const table = page.getByRole('table', { name: 'Recent divergences' });
    await textOf(table, /missing_event/);
    expect(await table.getByRole('row').count()).toBe(4);
    await page.getByLabel('Kind').selectOption('missing_event');
    await textOf(table, /^(?!.*mismatch: tool).*missing_event/);
    expect(await table.getByRole('row').count()).toBe(2);
    await page.getByLabel('Kind').selectOption('isolation');
    await textOf(page.getByRole('region', { name: 'Divergences' }), /No divergences of kind isolation/);
    expect(await table.getByRole('row').count()).toBe(1);
  });
});
