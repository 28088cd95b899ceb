import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRET } from '../support/tokens.js';
import { until } from '../support/until.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

/** The proxy process, its stdout a pipe this test never reads. */
function spawnProxy(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pause();
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  let exited: number | null = null;
  const exit = once(child, 'exit').then(([code]) => (exited = code as number));
  return { child, err: () => err, exit, exited: () => exited };
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('the proxy process under failure', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-proc-'));
    env = {
      JWT_SECRET: TEST_SECRET,
      LEGACY_ENGINE_URL: 'http://127.0.0.1:9',
      USER_ENGINE_URL: 'http://127.0.0.1:9',
      FLAGS_FILE: join(dir, 'flags.json'),
      ADMIN_TOKEN_FILE: join(dir, 'token'),
    };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('ends on SIGTERM when its stdout is a full pipe nobody reads', async () => {
    // A start log far larger than a pipe holds: the configuration line lists these.
    const protocols = Array.from({ length: 40_000 }, (_, i) => `protocol-${i}-${'p'.repeat(40)}`);
    await writeFile(join(dir, 'big.yaml'), JSON.stringify({ websocket: { echoProtocols: protocols } }));
    const [port, adminPort] = [await freePort(), await freePort()];
    const p = spawnProxy({
      ...env,
      SWITCHYARD_CONFIG: join(dir, 'big.yaml'),
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      LOG_LEVEL: 'debug',
    });
    try {
      let up = false;
      while (!up && p.exited() === null) {
        up = await fetch(`http://127.0.0.1:${adminPort}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!up) await new Promise((r) => setTimeout(r, 50));
      }
      expect(up).toBe(true);
      p.child.kill('SIGTERM');
      // Well inside the 15 s hard stop: the stop does not wait on the log stream.
      await until(() => p.exited() !== null, 12_000, 'the process to exit');
      expect(p.exited()).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 30_000);

  it('exits 3 with a clear message when its port is in use', async () => {
    const taken: NetServer = createNetServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const p = spawnProxy({ ...env, PORT: String(port), ADMIN_PORT: '0' });
      await p.exit;
      expect(p.exited()).toBe(3);
      expect(p.err()).toContain('switchyard: could not start: the traffic listener cannot listen');
      expect(p.err()).toContain('EADDRINUSE');
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  }, 30_000);

  it('exits 2 on an engine URL that is not http(s)', async () => {
    const p = spawnProxy({ ...env, LEGACY_ENGINE_URL: 'ftp://files.example/legacy' });
    await p.exit;
    expect(p.exited()).toBe(2);
    expect(p.err()).toContain('LEGACY_ENGINE_URL: not an http(s) URL');
  }, 30_000);
});
