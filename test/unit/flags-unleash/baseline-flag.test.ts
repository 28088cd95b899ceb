import { flexibleRollout, unleashNames } from '../../../src/flags/unleash/strategies.js';
import type { FlagState } from '../../../src/routing/types.js';
import { useFakeUnleash, waitFor } from './helpers.js';

const names = unleashNames({
  rollout: 'switchyard-rollout',
  shadow: 'switchyard-shadow',
  baseline: 'switchyard-baseline',
});

const unleash = useFakeUnleash({ seed: { rollout: 10 } });

async function started(extra: { baselinePercent?: number } = {}) {
  return (await unleash.started({ admin: true, names: { ...names, ...extra } })).source;
}

const setBaseline = (percent: number) => (s: FlagState) => ({
  ...s,
  baseline: { groupId: s.baseline?.groupId ?? 'switchyard-baseline', percent },
});

describe('the baseline flag in Unleash', () => {
  it('is read with its own group id, apart from the shadow flag', async () => {
    unleash.fake.put(names.baseline!, true, [flexibleRollout(7, 'baseline-group', [])], 'experiment');
    const s = await started();
    expect(s.current()?.baseline).toEqual({ percent: 7, groupId: 'baseline-group' });
    expect(s.current()?.shadow.groupId).toBe('switchyard-shadow');
  });

  it('falls back to the configured percentage while Unleash has no baseline flag, and reads 0 when it is disabled', async () => {
    const s = await started({ baselinePercent: 3 });
    expect(s.current()?.baseline).toEqual({ percent: 3, groupId: 'switchyard-baseline' });
    unleash.fake.put(names.baseline!, false, [flexibleRollout(40, names.baseline!, [])], 'experiment');
    await waitFor(() => s.current()?.baseline?.percent === 0);
  });

  it('writes a baseline change to its own flag and nothing else', async () => {
    unleash.fake.put(names.baseline!, true, [flexibleRollout(0, names.baseline!, [])], 'experiment');
    const s = await started();
    await s.update(setBaseline(12));
    const main = unleash.fake.env(names.baseline!)?.strategies[0];
    expect(main?.parameters).toMatchObject({ rollout: '12', groupId: names.baseline });
    expect(unleash.fake.env(names.shadow)?.strategies[0]?.parameters?.rollout).toBe('0');
    expect(s.current()?.baseline?.percent).toBe(12);
  });
});
