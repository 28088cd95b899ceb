import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { UnleashFlagSource, type UnleashSourceOptions } from '../../../src/flags/unleash/source.js';
import { flexibleRollout, metaVariants, notIn, unleashNames } from '../../../src/flags/unleash/strategies.js';
import { ADMIN_TOKEN, CLIENT_TOKEN, type FakeUnleash } from './fake-unleash.js';

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

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'switchyard-unleash-'));
}

export function source(
  fake: FakeUnleash,
  options: Partial<UnleashSourceOptions> & { backupPath: string; admin?: boolean },
): { source: UnleashFlagSource; lines: LogLine[] } {
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

export async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
