import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { PROMTOOL, requireBinary } from './prometheus-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RULES = `${ROOT}config/prometheus/rules/switchyard-alerts.yml`;
const TESTS = `${ROOT}config/prometheus/tests/switchyard-alerts.test.yml`;
const EXAMPLE = `${ROOT}config/prometheus/prometheus.example.yml`;
const run = promisify(execFile);

async function promtool(...args: string[]): Promise<string> {
  requireBinary(PROMTOOL);
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { cwd: ROOT });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

describe('the alert rules in config/prometheus', () => {
  it('pass promtool check rules', async () => {
    expect(await promtool('check', 'rules', RULES)).toContain('SUCCESS');
  });

  it('pass their promtool unit tests, one or more per alert', async () => {
    expect(await promtool('test', 'rules', TESTS)).toContain('SUCCESS');
  });

  it('ship an example Prometheus configuration that promtool accepts', async () => {
    expect(await promtool('check', 'config', EXAMPLE)).toContain('SUCCESS');
  });
});
