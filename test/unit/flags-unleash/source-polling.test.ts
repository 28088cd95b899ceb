import { decide } from '../../../src/routing/decide.js';
import { flexibleRollout } from '../../../src/flags/unleash/strategies.js';
import { names, seed, sleep, useFakeUnleash, waitFor, type LogLine } from './helpers.js';

const unleash = useFakeUnleash();
/** Every source of a test shares one backup folder: a later one may read what an earlier left. */
const start = () => unleash.source({ backupPath: unleash.dir });

const warnings = (lines: LogLine[]) => lines.filter((l) => l.level === 40);

describe('the Unleash flag source, reading', () => {
  it('reads the flags at start and reports itself ready and up, with the time of the poll', async () => {
    seed(unleash.fake, 20, 5);
    const { source: s } = start();
    await s.start();
    expect(s.current()?.rollout.percent).toBe(20);
    expect(s.current()?.shadow.percent).toBe(5);
    const status = s.status();
    expect(status).toMatchObject({ kind: 'unleash', ready: true, up: true, problem: null });
    expect(Date.now() - Date.parse(status.lastSync ?? '')).toBeLessThan(2000);
  });

  it('follows a change made in Unleash within a refresh', async () => {
    seed(unleash.fake, 10);
    const { source: s } = start();
    const seen: number[] = [];
    s.onChange((state) => seen.push(state.rollout.percent));
    await s.start();
    unleash.fake.put(names.rollout, true, [flexibleRollout(50, names.rollout, [])]);
    await waitFor(() => s.current()?.rollout.percent === 50);
    expect(seen).toEqual([10, 50]);
  });

  it('without Unleash or a backup at start, knows no flags, is not ready and says why', async () => {
    await unleash.fake.stop();
    const { source: s } = start();
    await s.start();
    expect(s.current()).toBeNull();
    expect(decide('ann', s.current())).toEqual({
      serve: 'legacy',
      shadow: 'none',
      reason: 'flags-unavailable',
    });
    expect(s.status()).toMatchObject({ ready: false, up: false, lastSync: null });
    expect(s.status().problem).toMatch(/^unleash unreachable, no backup: .*ECONNREFUSED/);
  });

  it('without Unleash at start, serves the backup file an earlier run left in UNLEASH_BACKUP_PATH', async () => {
    seed(unleash.fake, 30);
    const first = start();
    await first.source.start();
    await first.source.close();
    await unleash.fake.stop();
    const { source: s, lines } = start();
    await s.start();
    expect(s.current()?.rollout.percent).toBe(30);
    expect(s.status()).toMatchObject({ ready: true, up: false, lastSync: null });
    expect(s.status().problem).toContain('serving the flags of the backup file');
    expect(lines.map((l) => l.msg)).toContain('flags loaded from the Unleash backup file');
  });

  it('keeps the last known flags while Unleash is down, lastSync still, and recovers by itself', async () => {
    seed(unleash.fake, 40);
    const { source: s, lines } = start();
    await s.start();
    await unleash.fake.stop();
    await waitFor(() => !s.status().up);
    const lastSync = s.status().lastSync;
    await sleep(3500);
    expect(s.status().lastSync).toBe(lastSync);
    expect(s.current()?.rollout.percent).toBe(40);
    expect(s.status().problem).toContain('keeping the last known flags');
    expect(warnings(lines).filter((l) => l.msg.startsWith('Unleash unreachable'))).toHaveLength(1);
    await unleash.fake.restart();
    unleash.fake.put(names.rollout, true, [flexibleRollout(45, names.rollout, [])]);
    await waitFor(() => s.current()?.rollout.percent === 45);
    expect(s.status()).toMatchObject({ up: true, problem: null });
    expect(lines.map((l) => l.msg)).toContain('Unleash reachable again: following its flags');
  }, 20_000);

  it('survives being closed while a poll is failing (no unhandled error event)', async () => {
    const crashes: unknown[] = [];
    const onError = (err: unknown) => crashes.push(err);
    process.on('uncaughtException', onError);
    try {
      await unleash.fake.stop();
      const { source: s } = start();
      void s.start();
      await sleep(300); // the first poll is now retrying a refused connection
      await s.close();
      await sleep(3500); // its retries end after close
      expect(crashes).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
    }
  }, 10_000);
});
