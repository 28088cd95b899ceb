import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHashingEngine, type HashingEngine } from '../support/hashing-engine.js';
import { signToken, TEST_SECRET } from '../support/tokens.js';

/**
 * The proxy's memory while it streams a 64 MiB body with a user id check (issue 18 item 4). The
 * proxy runs as its own process (dist/, `npm run build` first) so that nothing else in it holds
 * memory; the kernel's peak RSS (VmHWM, reset through clear_refs) is read after each transfer
 * and compared with the RSS before it.
 */
const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');
const MiB = 1024 * 1024;

let engine: HashingEngine;
let dir: string;
let child: ReturnType<typeof spawn>;
let port: number;

beforeAll(async () => {
  engine = await startHashingEngine();
  dir = await mkdtemp(join(tmpdir(), 'switchyard-large-'));
  child = spawn(process.execPath, [MAIN], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      ADMIN_PORT: '0',
      JWT_SECRET: TEST_SECRET,
      LEGACY_ENGINE_URL: engine.url,
      USER_ENGINE_URL: engine.url,
      FLAGS_FILE: join(dir, 'flags.json'),
      ADMIN_TOKEN_FILE: join(dir, 'state', 'admin-token'),
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const line = await new Promise<string>((resolve) => {
    const look = (): void => {
      const found = out.split('\n').find((l) => l.includes('switchyard listening'));
      if (found !== undefined) resolve(found);
      else child.stdout!.once('data', look);
    };
    look();
  });
  port = (JSON.parse(line) as { trafficPort: number }).trafficPort;
}, 30_000);

afterAll(async () => {
  child.kill('SIGTERM');
  await once(child, 'exit');
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function kib(field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
}

function postBody(
  path: string,
  size: number,
  token: string,
): Promise<{ status: number; text: string; sha256: string }> {
  const head = Buffer.from('{"message":"');
  const tail = Buffer.from('","user_id":"alice"}');
  const filler = Buffer.alloc(64 * 1024, 'y');
  const hash = createHash('sha256');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': size,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, sha256: hash.digest('hex') }));
      },
    );
    req.on('error', reject);
    let left = size - head.length - tail.length;
    const write = (chunk: Buffer): boolean => {
      hash.update(chunk);
      return req.write(chunk);
    };
    write(head);
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= filler.length ? filler : filler.subarray(0, left);
        left -= piece.length;
        if (!write(piece)) return void req.once('drain', pump);
      }
      write(tail);
      req.end();
    };
    pump();
  });
}

/** Peak RSS growth of the proxy while it forwards one body (the kernel's peak is reset first). */
async function peakGrowth(path: string, size: number, token: string) {
  await writeFile(`/proc/${child.pid}/clear_refs`, '5');
  const before = await kib('VmRSS');
  const res = await postBody(path, size, token);
  return { res, grown: Math.max(0, (await kib('VmHWM')) - before) };
}

describe('a 64 MiB body through the proxy process', () => {
  it('reaches the engine intact, streamed: the proxy RSS grows by far less than the body', async () => {
    const token = await signToken('alice');
    // Node's first large transfer, on any route, raises RSS by ~30 MiB of socket read buffers
    // waiting for a GC (measured: the same with no check at all); the allocator reuses them
    // afterwards. So one unchecked 64 MiB body first, then the measured one.
    const first = await peakGrowth('/api/threads', 64 * MiB, token);
    expect(first.res.status).toBe(200);
    const checked = await peakGrowth('/api/agent/message', 64 * MiB, token);
    expect(checked.res.status).toBe(200);
    expect(JSON.parse(checked.res.text)).toEqual({ bytes: 64 * MiB, sha256: checked.res.sha256 });
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
    process.stdout.write(
      `64 MiB body, proxy peak RSS growth: first (unchecked) ${mib(first.grown)}, checked ${mib(checked.grown)}\n`,
    );
    // Measured on a quiet machine: 0.9 to 15.9 MiB; with both cores busy the GC lags and up to
    // 30 MiB was seen. The bound is what a busy machine cannot break and a buffered body cannot
    // meet: a body held in memory is 64 MiB by itself, before any copy.
    expect(checked.grown).toBeLessThan(48 * MiB);
  }, 120_000);

  it('kept the id hash secret beside the admin token file, readable by its owner only', async () => {
    const path = join(dir, 'state', 'id-hash-secret');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim().length).toBeGreaterThanOrEqual(32);
  });
});
