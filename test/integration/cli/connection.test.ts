import { jest } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, READ_TOKEN } from '../../support/proxy-harness.js';
import { auditLines, runCli } from '../../support/run-cli.js';
import { useCliProxy } from '../../support/cli-proxy-fixture.js';

const t = useCliProxy();

let cwd: string;

jest.setTimeout(30_000);

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'switchyard-cli-'));
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('how switchyard finds and reaches the admin API', () => {
  it('reads the token from .switchyard/admin-token in the working folder, as the proxy writes it', async () => {
    await mkdir(join(cwd, '.switchyard'));
    await writeFile(join(cwd, '.switchyard', 'admin-token'), `${ADMIN_TOKEN}\n`, { mode: 0o600 });
    const r = await runCli(['rollout', '20'], { opsUrl: t.proxy.opsUrl, cwd });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect((await t.proxy.admin('GET', '/admin/state')).body.rollout.percent).toBe(20);
  });

  it('reads the token file that ADMIN_TOKEN_FILE names, relative to the working folder', async () => {
    await writeFile(join(cwd, 'token'), ADMIN_TOKEN);
    const r = await runCli(['status'], { opsUrl: t.proxy.opsUrl, cwd, env: { ADMIN_TOKEN_FILE: 'token' } });
    expect(r.code).toBe(0);
  });

  it('takes --token and --admin over the environment', async () => {
    const r = await runCli(['assign', 'carol', '--admin', t.proxy.opsUrl, '--token', ADMIN_TOKEN], {
      cwd,
      env: { ADMIN_HOST: '127.0.0.1', ADMIN_PORT: String(await closedPort()), ADMIN_TOKEN: 'not-the-token' },
    });
    expect(r).toMatchObject({
      code: 0,
      stdout: 'carol: served by legacy, not shadowed (reason: not-in-rollout)\n',
    });
  });

  it('explains a refused token and exits 1', async () => {
    const r = await runCli(['status'], { opsUrl: t.proxy.opsUrl, cwd, env: { ADMIN_TOKEN: 'wrong-token' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('admin API: a valid admin bearer token is required (HTTP 401 unauthorized)');
    expect(r.stderr).toContain('the token from ADMIN_TOKEN was refused');
  });

  it('reads with the read-only token, and explains that it cannot change anything', async () => {
    const env = { ADMIN_TOKEN: READ_TOKEN };
    expect((await runCli(['status'], { opsUrl: t.proxy.opsUrl, cwd, env })).code).toBe(0);
    const r = await runCli(['rollout', '50'], { opsUrl: t.proxy.opsUrl, cwd, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(HTTP 403 read_only)');
    expect(r.stderr).toContain('is read-only: changes need the admin token');
    expect(auditLines(t.proxy.logs)).toEqual([]);
  });

  it('says where it looked when there is no token anywhere, and exits 1', async () => {
    const r = await runCli(['status'], { opsUrl: t.proxy.opsUrl, cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `no admin token found: looked at ADMIN_TOKEN (unset), the token file ${join(cwd, '.switchyard/admin-token')} (no such file)`,
    );
  });

  it('exits 69 naming the address when nothing listens there', async () => {
    const port = await closedPort();
    const r = await runCli(['status'], {
      cwd,
      env: { ADMIN_HOST: '127.0.0.1', ADMIN_PORT: String(port), ADMIN_TOKEN },
    });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain(`cannot connect to the admin API at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.stderr).toContain('Check ADMIN_HOST/ADMIN_PORT or --admin');
  });

  it('defaults to 127.0.0.1:9901 and refuses a bad ADMIN_PORT or --admin as a usage error', async () => {
    const printed = await runCli(['console'], { cwd, env: { ADMIN_TOKEN } });
    expect(printed).toMatchObject({
      code: 0,
      stdout: `http://127.0.0.1:9901/console/#token=${ADMIN_TOKEN}\n`,
    });
    const badPort = await runCli(['status'], { cwd, env: { ADMIN_PORT: 'ninety', ADMIN_TOKEN } });
    expect(badPort).toMatchObject({ code: 64 });
    expect(badPort.stderr).toContain('ADMIN_PORT: not a port: ninety');
    expect((await runCli(['status', '--admin', 'not a url'], { cwd, env: { ADMIN_TOKEN } })).code).toBe(64);
  });

  it("prints the console's address from ADMIN_HOST/ADMIN_PORT with the token in the fragment", async () => {
    const r = await runCli(['console', '--json'], { opsUrl: t.proxy.opsUrl, cwd, env: { ADMIN_TOKEN } });
    expect(JSON.parse(r.stdout)).toEqual({ url: `${t.proxy.opsUrl}/console/#token=${ADMIN_TOKEN}` });
  });
});

describe('the command line itself', () => {
  it('shows help with --help, help and help <command>, and the version with --version', async () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const r = await runCli(args, { cwd });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: switchyard <command>');
      for (const name of [
        'status',
        'rollout',
        'shadow',
        'rollback',
        'resume',
        'assign',
        'override',
        'divergences',
        'guard',
        'console',
      ]) {
        expect(r.stdout).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'));
      }
    }
    const one = await runCli(['help', 'rollback'], { cwd });
    expect(one.stdout).toContain('Usage: switchyard rollback [--reason TEXT]');
    expect((await runCli(['override', '--help'], { cwd })).stdout).toContain('--note TEXT');
    expect((await runCli(['--version'], { cwd })).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 64 with a pointer to help for an unknown command, option or wrong arguments', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'no command given'],
      [['deploy'], 'unknown command "deploy"'],
      [['status', '--reason', 'x'], 'status does not take --reason'],
      [['status', '--frobnicate'], "Unknown option '--frobnicate'"],
      [['assign'], 'usage: switchyard assign <userId>'],
      [['resume', 'now'], 'usage: switchyard resume'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { cwd });
      expect({ args, code: r.code }).toEqual({ args, code: 64 });
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('switchyard help');
    }
  });
});
