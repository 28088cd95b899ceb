import { runFlagsCommand } from '../../../src/cli/commands/flags.js';
import { ADMIN_TOKEN } from './fake-unleash.js';
import { useFakeUnleash } from './helpers.js';

const unleash = useFakeUnleash();

async function run(
  argv: string[],
  env: Record<string, string> = { UNLEASH_URL: unleash.fake.url, UNLEASH_ADMIN_TOKEN: ADMIN_TOKEN },
) {
  let out = '';
  let err = '';
  const code = await runFlagsCommand(argv, env, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('switchyard flags', () => {
  it('init prints what it did and exits 0', async () => {
    const { code, out } = await run(['init']);
    expect(code).toBe(0);
    expect(out).toContain(
      `flags ready in Unleash ${unleash.fake.url} (project default, environment development):`,
    );
    expect(out).toContain('switchyard-rollout: created (release)');
  });

  it('takes the project and environment from the command line', async () => {
    const { code, err } = await run(['init', '--environment', 'staging']);
    expect(code).toBe(1);
    expect(err).toMatch(/environments\/staging/);
  });

  it('exits 64 with the usage on a bad command line', async () => {
    expect((await run(['import'])).code).toBe(64);
    expect((await run(['frobnicate'])).err).toContain('Usage: switchyard flags init');
    expect((await run(['init', '--nope'])).code).toBe(64);
  });

  it('names the missing environment variables', async () => {
    const { code, err } = await run(['init'], {});
    expect(code).toBe(64);
    expect(err).toContain('UNLEASH_URL: required');
    expect(err).toContain('UNLEASH_ADMIN_TOKEN: required');
  });

  it('exits 69 when Unleash cannot be reached', async () => {
    await unleash.fake.stop();
    const { code, err } = await run(['init']);
    expect(code).toBe(69);
    expect(err).toContain('Unleash did not answer');
  });

  it('exits 1 when Unleash refuses the token, without printing it', async () => {
    const { code, err } = await run(['init'], {
      UNLEASH_URL: unleash.fake.url,
      UNLEASH_ADMIN_TOKEN: 'wrong-secret',
    });
    expect(code).toBe(1);
    expect(err).toContain('401');
    expect(err).not.toContain('wrong-secret');
  });

  it('exits 1 on an import of a file that does not exist', async () => {
    const { code, err } = await run(['import', '/nonexistent/flags.json']);
    expect(code).toBe(1);
    expect(err).toContain('/nonexistent/flags.json: ENOENT');
  });
});
