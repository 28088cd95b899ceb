import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('deploy/prometheus.yml', () => {
  it('is a valid Prometheus configuration that loads the alert rules, laid out as the compose file mounts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-deploy-'));
    try {
      cpSync('deploy/prometheus.yml', join(dir, 'prometheus.yml'));
      cpSync('config/prometheus/rules', join(dir, 'rules'), { recursive: true });
      const out = execFileSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
        encoding: 'utf8',
      });
      expect(out).toMatch(/SUCCESS: 1 rules? found|SUCCESS: \d+ rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
