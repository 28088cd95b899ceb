import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signToken, TEST_SECRET } from '../support/tokens.js';
import { until } from './engines/helpers.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    // Run from a folder without config/switchyard.yaml: the environment alone configures it.
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { child, out: () => out, err: () => err };
}

describe('the proxy process', () => {
  it('exits 2 on invalid configuration, listing every problem by its variable', async () => {
    const p = run({ ADMIN_PORT: 'abc', JWT_SECRET: 'short', LEGACY_ENGINE_URL: 'nope' });
    const [code] = (await once(p.child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(p.err()).toContain('ADMIN_PORT: not a port');
    expect(p.err()).toContain('JWT_SECRET: HS256 secrets must be at least 32 bytes');
    expect(p.err()).toContain('LEGACY_ENGINE_URL: not a URL');
    expect(p.err()).toContain('USER_ENGINE_URL');
  });

  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-proc-'));
    let release: (() => void) | null = null;
    const slow: Server = createServer((_req, res) => {
      release = () => res.end('{"done":true}');
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const p = run({
      PORT: '0',
      ADMIN_PORT: '0',
      JWT_SECRET: TEST_SECRET,
      LEGACY_ENGINE_URL: url,
      USER_ENGINE_URL: url,
      FLAGS_FILE: join(dir, 'flags.json'),
      ADMIN_TOKEN_FILE: join(dir, 'token'),
    });
    try {
      while (!p.out().includes('switchyard listening')) await new Promise((r) => setTimeout(r, 20));
      const trafficPort = (
        JSON.parse(
          p
            .out()
            .split('\n')
            .find((l) => l.includes('switchyard listening'))!,
        ) as { trafficPort: number }
      ).trafficPort;
      expect(p.out()).not.toContain(TEST_SECRET);
      const inFlight = fetch(`http://127.0.0.1:${trafficPort}/api/threads/1`, {
        headers: { authorization: `Bearer ${await signToken('zed')}` },
      });
      await until(() => release !== null);
      p.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200)); // the signal handled before the answer
      release!();
      const res = await inFlight;
      expect(res.status).toBe(200);
      const [code] = (await once(p.child, 'exit')) as [number];
      expect(code).toBe(0);
    } finally {
      p.child.kill('SIGKILL');
      slow.closeAllConnections();
      slow.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
