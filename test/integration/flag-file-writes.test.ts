import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateToDocument } from '../../src/flags/document.js';
import type { FlagState } from '../../src/routing/types.js';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
let legacy: EchoUpstream;
let user: EchoUpstream;
let proxy: ProxyUnderTest;
let dir: string;

beforeEach(async () => {
  legacy = await startEchoUpstream('legacy');
  user = await startEchoUpstream('user');
  dir = await mkdtemp(join(tmpdir(), 'switchyard-state-'));
});
afterEach(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** The proxy with its flag file in `dir/state/`, a folder the test can take away. */
const start = async () => {
  proxy = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    dir,
    config: { flags: { file: join(dir, 'state', 'flags.json') } },
  });
};
const flagsPath = () => join(dir, 'state', 'flags.json');
/** The state folder becomes unwritable: moved away, and a regular file takes its name (root ignores modes). */
const breakStateFolder = async () => {
  await rename(join(dir, 'state'), join(dir, 'state-moved'));
  await writeFile(join(dir, 'state'), 'not a folder\n');
};
const state = async () => (await proxy.admin('GET', '/admin/state')).body;
const audits = (action: string) =>
  proxy.logs.map((l) => JSON.parse(l)).filter((l) => l.audit?.action === action);
const doc = (percent: number) =>
  stateToDocument(
    {
      rollout: { percent, groupId: names.rollout },
      shadow: { percent: 0, groupId: names.shadow },
      rollback: { engaged: false, trigger: null, reason: null, at: null },
      overrides: new Map(),
    } satisfies FlagState,
    names,
  );

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('flag changes with a state folder that cannot be written', () => {
  it('refuses a resume with 500 and keeps the rollback engaged, with an audit line', async () => {
    await start();
    await proxy.admin('PUT', '/admin/rollout', { percent: 40 });
    expect((await proxy.admin('POST', '/admin/rollback', { reason: 'bad deploy' })).status).toBe(200);
    const onDisk = await readFile(flagsPath(), 'utf8');
    await breakStateFolder();

    const res = await proxy.admin('POST', '/admin/resume', {});
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({
      code: 'not_persisted',
      message: expect.stringMatching(/^nothing changed: the flags could not be persisted \(E[A-Z]+\)$/),
    });
    expect((await state()).rollback).toMatchObject({ engaged: true, trigger: 'manual' });
    expect((await proxy.admin('GET', '/admin/assignments/alice')).body.reason).toBe('rollback');
    expect(await readFile(join(dir, 'state-moved', 'flags.json'), 'utf8')).toBe(onDisk);
    const [line] = audits('resume');
    expect(line.audit).toMatchObject({
      actor: 'jest',
      before: { rollback: true },
      after: { rollback: true },
      failed: expect.stringContaining('could not be persisted'),
    });
  });

  it('refuses a rollout change with 500 and leaves the percentage as it was, with an audit line', async () => {
    await start();
    await proxy.admin('PUT', '/admin/rollout', { percent: 40 });
    await breakStateFolder();
    const res = await proxy.admin('PUT', '/admin/rollout', { percent: 77 });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('not_persisted');
    expect((await state()).rollout.percent).toBe(40);
    const failed = audits('rollout').filter((l) => l.audit.failed !== undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0].audit).toMatchObject({ before: { rollout: 40 }, after: { rollout: 40 } });
  });

  it('engages a rollback at once even when it cannot be written, and says it was not persisted', async () => {
    await start();
    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    await breakStateFolder();
    const res = await proxy.admin('POST', '/admin/rollback', { reason: 'user engine down' });
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({
      code: 'not_persisted',
      message: expect.stringMatching(/^the rollback is engaged on this instance but could not be persisted/),
    });
    expect((await state()).rollback).toMatchObject({ engaged: true, reason: 'user engine down' });
    const served = await fetch(`${proxy.url}/api/threads/t-1`, {
      headers: { authorization: `Bearer ${await signToken('alice')}` },
    });
    expect(served.headers.get('x-switchyard-engine')).toBe('legacy');
    expect(audits('rollback')[0].audit).toMatchObject({
      after: { rollback: true },
      failed: expect.any(String),
    });
  });
});

describe('flags unknown at start', () => {
  const writeFlags = async (text: string) => {
    await mkdir(join(dir, 'state'), { recursive: true });
    await writeFile(flagsPath(), text);
  };
  const readyz = async () => {
    const res = await fetch(`${proxy.opsUrl}/readyz`);
    return { status: res.status, body: await res.json() };
  };

  it('is not ready, and serves everyone from legacy, when the file is corrupt; a fix by hand makes it ready', async () => {
    await writeFlags('{"features": [ broken');
    await start();
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body.reason).toMatch(/not valid JSON; the flags are unknown$/);
    expect((await proxy.admin('GET', '/admin/assignments/alice')).body).toMatchObject({
      serve: 'legacy',
      reason: 'flags-unavailable',
    });
    const changed = await proxy.admin('PUT', '/admin/rollout', { percent: 50 });
    expect(changed.status).toBe(503);
    expect(changed.body.error.code).toBe('flags_unavailable');
    expect(await readFile(flagsPath(), 'utf8')).toBe('{"features": [ broken');

    await writeFile(flagsPath(), JSON.stringify(doc(100)));
    expect((await until(readyz, (v) => v.status === 200)).body).toEqual({ ready: true });
    expect((await proxy.admin('GET', '/admin/assignments/alice')).body.reason).toBe('rollout');
  });

  it('is not ready when the file has no rollout flag', async () => {
    const d = doc(100);
    d.features = d.features.filter((f) => f.name !== names.rollout);
    await writeFlags(JSON.stringify(d));
    await start();
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body.reason).toContain('no flag named switchyard-rollout');
  });

  it('refuses a 60 MB flag file from its size: not ready', async () => {
    await mkdir(join(dir, 'state'), { recursive: true });
    const big = await open(flagsPath(), 'w');
    await big.truncate(60 * 1024 * 1024);
    await big.close();
    await start();
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body.reason).toContain('larger than 1048576 bytes');
  });

  it('is ready at 0% when the file does not exist yet', async () => {
    await start();
    expect(await readyz()).toEqual({ status: 200, body: { ready: true } });
    expect((await proxy.admin('GET', '/admin/assignments/alice')).body.reason).toBe('not-in-rollout');
  });
});
