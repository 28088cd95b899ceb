import { buildConfig, ConfigError } from '../../src/config/load.js';

const base = {
  engines: { legacy: { url: 'http://127.0.0.1:7001' }, user: { url: 'http://127.0.0.1:7002' } },
  jwt: { secret: 'x'.repeat(32) },
};

describe('noise baseline configuration', () => {
  it('defaults to no baseline, a 5-point delta, a 20% noisy limit and a 25 ms legacy stagger', () => {
    const c = buildConfig(base, {});
    expect(c.shadow.baseline).toEqual({ percent: 0, staggerMs: 25 });
    expect(c.flags.baselineFlag).toBe('switchyard-baseline');
    expect(c.guard).toMatchObject({ maxMismatchDelta: 0.05, noisyKindRate: 0.2 });
  });

  it('reads SHADOW_BASELINE_PERCENT, BASELINE_FLAG, GUARD_MAX_MISMATCH_DELTA and GUARD_NOISY_KIND_RATE', () => {
    const c = buildConfig(base, {
      SHADOW_BASELINE_PERCENT: '5',
      BASELINE_FLAG: 'noise-floor',
      GUARD_MAX_MISMATCH_DELTA: '0.08',
      GUARD_NOISY_KIND_RATE: '0.3',
    });
    expect(c.shadow.baseline.percent).toBe(5);
    expect(c.flags.baselineFlag).toBe('noise-floor');
    expect(c.guard).toMatchObject({ maxMismatchDelta: 0.08, noisyKindRate: 0.3 });
  });

  it('names a bad value by its variable', () => {
    expect(() => buildConfig(base, { SHADOW_BASELINE_PERCENT: '140' })).toThrow(ConfigError);
    expect(() => buildConfig(base, { GUARD_NOISY_KIND_RATE: 'high' })).toThrow(/GUARD_NOISY_KIND_RATE/);
  });
});
