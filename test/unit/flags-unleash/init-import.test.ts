import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateToDocument } from '../../../src/flags/document.js';
import { UnleashAdminApi } from '../../../src/flags/unleash/admin-api.js';
import { readFeatures } from '../../../src/flags/unleash/features.js';
import { importFlagFile } from '../../../src/flags/unleash/import.js';
import { initFlags } from '../../../src/flags/unleash/init.js';
import { flexibleRollout } from '../../../src/flags/unleash/strategies.js';
import { decide } from '../../../src/routing/decide.js';
import type { FlagState } from '../../../src/routing/types.js';
import { ADMIN_TOKEN } from './fake-unleash.js';
import { names, useFakeUnleash } from './helpers.js';

const unleash = useFakeUnleash();
let api: UnleashAdminApi;

beforeEach(() => {
  api = new UnleashAdminApi({
    url: unleash.fake.url,
    token: ADMIN_TOKEN,
    project: 'default',
    environment: 'development',
  });
});

const snapshot = () => JSON.stringify([...unleash.fake.features.values()]);
const served = () =>
  readFeatures(
    [...unleash.fake.features.values()].map((f) => ({ name: f.name, ...f.envs.development! })),
    names,
  );

describe('switchyard flags init', () => {
  it('creates the three flags at 0%, rollout and shadow enabled, meta disabled', async () => {
    const lines = await initFlags(api, names);
    expect(lines[0]).toBe(
      'switchyard-rollout: created (release); flexibleRollout 0% added (stickiness userId, groupId switchyard-rollout); enabled in development',
    );
    expect(unleash.fake.env(names.rollout)).toMatchObject({
      enabled: true,
      strategies: [{ parameters: { rollout: '0', stickiness: 'userId', groupId: names.rollout } }],
    });
    expect(unleash.fake.env(names.shadow)).toMatchObject({
      enabled: true,
      strategies: [{ parameters: { rollout: '0', groupId: names.shadow } }],
    });
    expect(unleash.fake.env(names.meta)?.enabled).toBe(false);
    expect(served()).toMatchObject({
      problems: [],
      state: { rollout: { percent: 0 }, rollback: { engaged: false } },
    });
  });

  it('is idempotent: a second run changes nothing', async () => {
    await initFlags(api, names);
    const before = snapshot();
    const lines = await initFlags(api, names);
    expect(snapshot()).toBe(before);
    expect(lines).toEqual([
      `${names.rollout}: already set up`,
      `${names.shadow}: already set up`,
      `${names.meta}: already set up`,
    ]);
  });

  it('never resets a percentage nor re-enables a rolled-back flag', async () => {
    await initFlags(api, names);
    unleash.fake.put(names.rollout, false, [flexibleRollout(30, names.rollout, [])]);
    const lines = await initFlags(api, names);
    expect(lines[0]).toBe(`${names.rollout}: left disabled in development`);
    expect(unleash.fake.env(names.rollout)).toMatchObject({
      enabled: false,
      strategies: [{ parameters: { rollout: '30' } }],
    });
  });

  it('refuses a flag with strategies Switchyard cannot follow, and says which', async () => {
    unleash.fake.put(names.rollout, true, [{ name: 'default' }]);
    await expect(initFlags(api, names)).rejects.toThrow(
      /switchyard-rollout: needs exactly one flexibleRollout/,
    );
  });
});

describe('switchyard flags import', () => {
  const fileState: FlagState = {
    rollout: { percent: 35, groupId: names.rollout },
    shadow: { percent: 10, groupId: names.shadow },
    rollback: { engaged: false, trigger: null, reason: null, at: null },
    overrides: new Map([
      ['staff-1', { serve: 'user', note: 'on call' }],
      ['vip-2', { serve: 'legacy' }],
    ]),
  };

  async function importState(state: FlagState): Promise<string[]> {
    const path = join(unleash.dir, 'flags.json');
    await writeFile(path, JSON.stringify(stateToDocument(state, names)));
    return importFlagFile(api, names, path, () => undefined);
  }

  it("moves the file's state into Unleash without reshuffling any of 10,000 users", async () => {
    const lines = await importState(fileState);
    expect(lines.at(-1)).toBe(
      `after:  rollout 35% (groupId ${names.rollout}), shadow 10% (groupId ${names.shadow}), 2 override(s), not rolled back`,
    );
    const unleash = served().state;
    for (let i = 0; i < 10_000; i++) {
      const id = `user-${i}`;
      expect(decide(id, unleash)).toEqual(decide(id, fileState));
    }
    expect(unleash?.overrides.get('staff-1')).toEqual({ serve: 'user', note: 'on call' });
  });

  it('carries a rollback and its record, and changes nothing when imported twice', async () => {
    const rolledBack = {
      ...fileState,
      rollback: {
        engaged: true,
        trigger: 'guard' as const,
        reason: 'errors',
        at: '2025-01-01T00:00:00.000Z',
      },
    };
    await importState(rolledBack);
    expect(served().state?.rollback).toEqual(rolledBack.rollback);
    const before = snapshot();
    await importState(rolledBack);
    expect(snapshot()).toBe(before);
  });

  it('keeps a group id that differs from the flag name, so nobody moves', async () => {
    const custom = { ...fileState, rollout: { percent: 50, groupId: 'legacy-group' } };
    await importState(custom);
    expect(served().state?.rollout).toEqual({ percent: 50, groupId: 'legacy-group' });
  });

  it('refuses a file that is not a flag file', async () => {
    const path = join(unleash.dir, 'broken.json');
    await writeFile(path, '{"features": 3}');
    await expect(importFlagFile(api, names, path, () => undefined)).rejects.toThrow(/not a flag file/);
  });
});
