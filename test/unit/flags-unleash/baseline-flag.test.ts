import { rm } from 'node:fs/promises';
import type { UnleashFlagSource } from '../../../src/flags/unleash/source.js';
import { flexibleRollout, unleashNames } from '../../../src/flags/unleash/strategies.js';
import type { FlagState } from '../../../src/routing/types.js';
import { FakeUnleash } from './fake-unleash.js';
import { seed, source, tempDir, waitFor } from './helpers.js';

const names = unleashNames({
  rollout: 'switchyard-rollout',
  shadow: 'switchyard-shadow',
  baseline: 'switchyard-baseline',
});

let fake: FakeUnleash;
let dir: string;
const open: UnleashFlagSource[] = [];

beforeEach(async () => {
  fake = await new FakeUnleash().start();
  dir = await tempDir();
  seed(fake, 10);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await fake.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function started(extra: { baselinePercent?: number } = {}) {
  const made = source(fake, {
    backupPath: `${dir}/${open.length}`,
    admin: true,
    names: { ...names, ...extra },
  });
  open.push(made.source);
  await made.source.start();
  return made.source;
}

const setBaseline = (percent: number) => (s: FlagState) => ({
  ...s,
  baseline: { groupId: s.baseline?.groupId ?? 'switchyard-baseline', percent },
});

describe('the baseline flag in Unleash', () => {
  it('is read with its own group id, apart from the shadow flag', async () => {
    fake.put(names.baseline!, true, [flexibleRollout(7, 'baseline-group', [])], 'experiment');
    const s = await started();
    expect(s.current()?.baseline).toEqual({ percent: 7, groupId: 'baseline-group' });
    expect(s.current()?.shadow.groupId).toBe('switchyard-shadow');
  });

  it('falls back to the configured percentage while Unleash has no baseline flag, and reads 0 when it is disabled', async () => {
    const s = await started({ baselinePercent: 3 });
    expect(s.current()?.baseline).toEqual({ percent: 3, groupId: 'switchyard-baseline' });
    fake.put(names.baseline!, false, [flexibleRollout(40, names.baseline!, [])], 'experiment');
    await waitFor(() => s.current()?.baseline?.percent === 0);
  });

  it('writes a baseline change to its own flag and nothing else', async () => {
    fake.put(names.baseline!, true, [flexibleRollout(0, names.baseline!, [])], 'experiment');
    const s = await started();
    await s.update(setBaseline(12));
    const main = fake.env(names.baseline!)?.strategies[0];
    expect(main?.parameters).toMatchObject({ rollout: '12', groupId: names.baseline });
    expect(fake.env(names.shadow)?.strategies[0]?.parameters?.rollout).toBe('0');
    expect(s.current()?.baseline?.percent).toBe(12);
  });
});
