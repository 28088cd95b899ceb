import { buildConfig, ConfigError, maskSecrets } from '../../src/config/load.js';

const base = {
  engines: { legacy: { url: 'http://127.0.0.1:1' }, user: { url: 'http://127.0.0.1:2' } },
  jwt: { secret: 'x'.repeat(32) },
};

function problems(file: unknown, env: Record<string, string>): string[] {
  try {
    buildConfig(file, env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('still loads a file that sets the retired shadow.storeSize (the ring it sized is gone)', () => {
    expect(problems({ ...base, shadow: { storeSize: 200 } }, {})).toEqual([]);
    expect(problems({ ...base, shadow: { storeSize: 'many' } }, {})).not.toEqual([]);
  });

  it('applies the documented defaults', () => {
    const c = buildConfig(base, {});
    expect(c.port).toBe(8080);
    expect(c.admin).toMatchObject({ host: '127.0.0.1', port: 9901 });
    expect(c.flags).toMatchObject({
      source: 'file',
      rolloutFlag: 'switchyard-rollout',
      shadowFlag: 'switchyard-shadow',
    });
    expect(c.routes.map((r) => r.name)).toContain('agent_run');
  });

  it('lets the environment override the file', () => {
    const c = buildConfig(base, { PORT: '9000', ADMIN_PORT: '9999', USER_ENGINE_URL: 'http://10.0.0.1:80' });
    expect(c.port).toBe(9000);
    expect(c.admin.port).toBe(9999);
    expect(c.engines.user.url).toBe('http://10.0.0.1:80');
  });

  it('lists every problem at once, each named by its environment variable or config path', () => {
    const found = problems(
      { ...base, admin: { token: 'short' } },
      { ADMIN_PORT: 'abc', JWT_SECRET: 'too-short', LEGACY_ENGINE_URL: 'not a url', FLAG_SOURCE: 'redis' },
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'ADMIN_PORT: not a port',
        'JWT_SECRET: HS256 secrets must be at least 32 bytes (RFC 7518 3.2)',
        'LEGACY_ENGINE_URL: not a URL',
        'FLAG_SOURCE: must be file or unleash',
        'admin.token: admin tokens must be at least 32 characters',
      ]),
    );
  });

  it("reads the guard's absolute error-rate limit and the flag file's size cap", () => {
    const defaults = buildConfig(base, {});
    expect(defaults.guard.maxErrorRate).toBe(0.05);
    expect(defaults.flags.maxFileBytes).toBe(1024 * 1024);
    const c = buildConfig(base, { GUARD_MAX_ERROR_RATE: '0.2', FLAGS_MAX_FILE_BYTES: '65536' });
    expect(c.guard.maxErrorRate).toBe(0.2);
    expect(c.flags.maxFileBytes).toBe(65536);
    expect(problems(base, { GUARD_MAX_ERROR_RATE: '1', FLAGS_MAX_FILE_BYTES: '0' })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GUARD_MAX_ERROR_RATE: must be in 0\.\.0\.9999/),
        expect.stringMatching(/^FLAGS_MAX_FILE_BYTES: must be at least 1/),
      ]),
    );
  });

  it('refuses engine URLs other than http(s)', () => {
    for (const bad of ['ftp://files.example/legacy', 'javascript:alert(1)', 'file:///etc/passwd']) {
      expect(problems(base, { LEGACY_ENGINE_URL: bad })).toContain('LEGACY_ENGINE_URL: not an http(s) URL');
    }
    expect(problems(base, { USER_ENGINE_URL: 'https://user.example/base' })).toEqual([]);
  });

  it('requires a JWT secret or a JWKS URL and refuses unknown keys', () => {
    expect(problems({ engines: base.engines, bogus: 1 }, {})).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^jwt.secret: required/),
        expect.stringMatching(/bogus/),
      ]),
    );
  });

  it('masks secrets in the config it logs', () => {
    const masked = JSON.stringify(
      maskSecrets(buildConfig({ ...base, admin: { token: 'a'.repeat(40) } }, {})),
    );
    expect(masked).not.toContain('a'.repeat(40));
    expect(masked).not.toContain('x'.repeat(32));
    expect(masked).toContain('***');
  });
});
