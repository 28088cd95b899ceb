import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { UnleashFlagSource, type UnleashSourceOptions } from '../../../src/flags/unleash/source.js';
import { flexibleRollout, metaVariants, notIn, unleashNames } from '../../../src/flags/unleash/strategies.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, FakeUnleash } from './fake-unleash.js';

export const names = unleashNames({ rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' });

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export function capturingLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as LogLine);
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

/** The three flags as `flags init` leaves them, at the given percentages. */
export function seed(fake: FakeUnleash, percent = 0, shadow = 0, legacy: string[] = []): void {
  fake.put(names.rollout, true, [flexibleRollout(percent, names.rollout, notIn(legacy))]);
  fake.put(names.shadow, true, [flexibleRollout(shadow, names.shadow, [])], 'experiment');
  fake.put(
    names.meta,
    false,
    [{ ...flexibleRollout(0, names.meta, []), variants: metaVariants(null) }],
    'operational',
  );
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'switchyard-unleash-'));
}

type SourceOptions = Partial<UnleashSourceOptions> & { admin?: boolean };
type MadeSource = { source: UnleashFlagSource; lines: LogLine[] };

function makeSource(fake: FakeUnleash, options: SourceOptions & { backupPath: string }): MadeSource {
  const { log, lines } = capturingLog();
  const { admin, ...rest } = options;
  const created = new UnleashFlagSource({
    url: fake.url,
    apiToken: CLIENT_TOKEN,
    ...(admin === true && { adminToken: ADMIN_TOKEN }),
    refreshMs: 100,
    project: 'default',
    environment: 'development',
    appName: 'switchyard-test',
    instanceId: `test-${Math.random().toString(36).slice(2)}`,
    names,
    log,
    ...rest,
  });
  return { source: created, lines };
}

export interface FakeUnleashFixture {
  /** The running test's fake Unleash, on a free port of 127.0.0.1. */
  fake: FakeUnleash;
  /** The running test's temporary folder, removed after it. */
  dir: string;
  /**
   * A flag source on the fake (not started), closed after the test. Its backup file goes to a
   * folder of its own under `dir` unless `backupPath` says otherwise.
   */
  source(options?: SourceOptions): MadeSource;
  /** The same, started. */
  started(options?: SourceOptions): Promise<MadeSource>;
}

export interface FakeUnleashSetup {
  /** The three flags put in place before each test (see `seed`); none when absent. */
  seed?: { rollout: number; shadow?: number };
  /** Runs first after each test, before the sources close and the fake stops. */
  teardown?: () => unknown;
}

/**
 * A fake Unleash and a temporary folder, fresh for each test of the calling file; after it, the
 * sources made through the fixture are closed, the fake stopped and the folder removed.
 */
export function useFakeUnleash(setup: FakeUnleashSetup = {}): FakeUnleashFixture {
  const open: UnleashFlagSource[] = [];
  const t: FakeUnleashFixture = {
    fake: undefined as unknown as FakeUnleash,
    dir: '',
    source(options = {}) {
      const made = makeSource(t.fake, { backupPath: join(t.dir, String(open.length)), ...options });
      open.push(made.source);
      return made;
    },
    async started(options = {}) {
      const made = t.source(options);
      await made.source.start();
      return made;
    },
  };
  beforeEach(async () => {
    t.fake = await new FakeUnleash().start();
    t.dir = await tempDir();
    if (setup.seed !== undefined) seed(t.fake, setup.seed.rollout, setup.seed.shadow);
  });
  afterEach(async () => {
    await setup.teardown?.();
    await Promise.all(open.splice(0).map((s) => s.close()));
    await t.fake.stop().catch(() => undefined);
    // unleash-client may still be writing its backup file: retried, as rm does on ENOTEMPTY.
    await rm(t.dir, { recursive: true, force: true, maxRetries: 5 });
  });
  return t;
}

export async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
