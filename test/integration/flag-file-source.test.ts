import { readFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { stateToDocument } from '../../src/flags/document.js';
import { FileFlagSource, type FileFlagSourceOptions } from '../../src/flags/file-source.js';
import { FlagPersistError } from '../../src/flags/source.js';
import type { FlagState } from '../../src/routing/types.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
const log = pino({ level: 'silent' });
let dir: string;
let source: FileFlagSource | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-flags-'));
});
afterEach(async () => {
  await source?.close();
  source = null;
  await rm(dir, { recursive: true, force: true });
});

const state = (percent: number): FlagState => ({
  rollout: { percent, groupId: names.rollout },
  shadow: { percent: 0, groupId: names.shadow },
  rollback: { engaged: false, trigger: null, reason: null, at: null },
  overrides: new Map(),
});
const fileOf = (s: FlagState) => `${JSON.stringify(stateToDocument(s, names), null, 2)}\n`;

async function started(options: FileFlagSourceOptions = {}): Promise<FileFlagSource> {
  source = new FileFlagSource(join(dir, 'flags.json'), names, log, options);
  await source.start();
  return source;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the flag file source', () => {
  it('means 0%, ready, when the file does not exist yet', async () => {
    const s = await started();
    expect(s.current()!.rollout.percent).toBe(0);
    expect(s.status()).toMatchObject({ ready: true, up: true, problem: null });
  });

  it('leaves memory and disk as they were when a write fails', async () => {
    await writeFile(join(dir, 'flags.json'), fileOf(state(12)));
    const erofs = Object.assign(new Error('read-only file system'), { code: 'EROFS' });
    const s = await started({ write: () => Promise.reject(erofs) });
    const seen: number[] = [];
    s.onChange((f) => seen.push(f.rollout.percent));
    const err = await s.update((f) => ({ ...f, rollout: { ...f.rollout, percent: 77 } })).catch((e) => e);
    expect(err).toBeInstanceOf(FlagPersistError);
    expect(err.message).toContain('EROFS');
    expect(s.current()!.rollout.percent).toBe(12);
    expect(seen).toEqual([]);
    expect(await readFile(join(dir, 'flags.json'), 'utf8')).toBe(fileOf(state(12)));
  });

  it('writes a change before it publishes it', async () => {
    const s = await started();
    const onDiskWhenPublished: string[] = [];
    // Read synchronously inside the listener: the disk exactly as it is at the moment of publishing.
    s.onChange(() => onDiskWhenPublished.push(readFileSync(join(dir, 'flags.json'), 'utf8')));
    await s.update((f) => ({ ...f, rollout: { ...f.rollout, percent: 40 } }));
    expect(onDiskWhenPublished).toEqual([fileOf(state(40))]);
  });

  it('refuses a 60 MB file from its size, without reading it: the flags are unknown', async () => {
    const big = await open(join(dir, 'flags.json'), 'w');
    await big.truncate(60 * 1024 * 1024);
    await big.close();
    const rssBefore = process.memoryUsage().rss;
    const s = await started();
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * 1024 * 1024);
    expect(s.current()).toBeNull();
    expect(s.status()).toMatchObject({ ready: false, up: false });
    expect(s.status().problem).toMatch(/larger than 1048576 bytes; the flags are unknown$/);
  });

  it('keeps the last good state when the file grows past the cap while running', async () => {
    await writeFile(join(dir, 'flags.json'), fileOf(state(25)));
    const s = await started({ maxBytes: 4096 });
    await writeFile(join(dir, 'flags.json'), `${fileOf(state(26)).slice(0, -2)}${' '.repeat(5000)}}\n`);
    await until(() => s.status().up === false);
    expect(s.status().problem).toMatch(/larger than 4096 bytes; keeping the last good state$/);
    expect(s.current()!.rollout.percent).toBe(25);
  });

  it('reads a file without the rollout flag at start as flags unknown, not 0%', async () => {
    const doc = stateToDocument(state(30), names);
    doc.features = doc.features.filter((f) => f.name !== names.rollout);
    await writeFile(join(dir, 'flags.json'), JSON.stringify(doc));
    const s = await started();
    expect(s.current()).toBeNull();
    expect(s.status().ready).toBe(false);
    expect(s.status().problem).toContain('no flag named switchyard-rollout');
  });

  it('reads a corrupt file at start as flags unknown, and loads it once it is fixed by hand', async () => {
    await writeFile(join(dir, 'flags.json'), '{"features": [ broken');
    const s = await started();
    expect(s.current()).toBeNull();
    expect(s.status()).toMatchObject({ ready: false, up: false });
    expect(s.status().problem).toMatch(/not valid JSON; the flags are unknown$/);
    await writeFile(join(dir, 'flags.json'), fileOf(state(35)));
    await until(() => s.current() !== null);
    expect(s.current()!.rollout.percent).toBe(35);
    expect(s.status()).toMatchObject({ ready: true, up: true, problem: null });
  });
});
