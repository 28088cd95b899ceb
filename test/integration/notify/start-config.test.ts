import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_SECRET } from '../../support/tokens.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

describe('webhook configuration at start', () => {
  it('exits 2 naming NOTIFY_WEBHOOK_URLS (never the URL) and NOTIFY_WEBHOOK_SECRET, starting nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-notify-'));
    try {
      const child = spawn(process.execPath, [MAIN], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          JWT_SECRET: TEST_SECRET,
          LEGACY_ENGINE_URL: 'http://127.0.0.1:9',
          USER_ENGINE_URL: 'http://127.0.0.1:9',
          ADMIN_TOKEN_FILE: join(dir, 'token'),
          NOTIFY_WEBHOOK_URLS: 'https://hooks.example/ok,gopher://hooks.example/secret-path',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const [code] = await once(child, 'exit');
      expect(code).toBe(2);
      expect(err).toContain('NOTIFY_WEBHOOK_URLS: URL 2 of 2 is not an http(s) URL');
      expect(err).toContain('NOTIFY_WEBHOOK_SECRET is required when webhook URLs are set');
      expect(err).not.toContain('secret-path');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
