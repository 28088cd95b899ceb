import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateToDocument } from '../../src/flags/document.js';
import { useEchoProxy } from '../support/echo-proxy-fixture.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
const t = useEchoProxy();

async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 1000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const state = () => t.proxy.admin('GET', '/admin/state').then((r) => r.body);

describe('the local flag file', () => {
  it('takes a hand edit into effect within a second', async () => {
    const doc = stateToDocument(
      {
        rollout: { percent: 35, groupId: names.rollout },
        shadow: { percent: 0, groupId: names.shadow },
        rollback: { engaged: false, trigger: null, reason: null, at: null },
        overrides: new Map(),
      },
      names,
    );
    await writeFile(join(t.proxy.dir, 'flags.json'), JSON.stringify(doc));
    const s = await waitFor(state, (v) => v.rollout.percent === 35);
    expect(s.rollout.percent).toBe(35);
  });

  it('rejects a broken edit with a logged error and keeps the last good state', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 12 });
    await writeFile(join(t.proxy.dir, 'flags.json'), '{"features": [ broken');
    const s = await waitFor(state, (v) => v.flagSource.up === false);
    expect(s.flagSource.up).toBe(false);
    expect(s.flagSource.problem).toContain('not valid JSON');
    expect(s.rollout.percent).toBe(12);
    expect(t.proxy.logs.join('')).toContain('keeping the last good state');
  });

  it('reads a rollout flag disabled by hand as a rollback from outside', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 50 });
    const doc = stateToDocument(
      {
        rollout: { percent: 50, groupId: names.rollout },
        shadow: { percent: 0, groupId: names.shadow },
        rollback: { engaged: false, trigger: null, reason: null, at: null },
        overrides: new Map(),
      },
      names,
    );
    doc.features[0]!.enabled = false;
    await writeFile(join(t.proxy.dir, 'flags.json'), JSON.stringify(doc));
    const s = await waitFor(state, (v) => v.rollback.engaged === true);
    expect(s.rollback).toMatchObject({ engaged: true, trigger: 'external' });
    expect(s.rollout.percent).toBe(50);
  });
});
