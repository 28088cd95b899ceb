import { buildConfig, ConfigError, maskSecrets } from '../../../src/config/load.js';

const base = {
  engines: { legacy: { url: 'http://legacy:8000' }, user: { url: 'http://user:8000' } },
  jwt: { secret: 'x'.repeat(32) },
};
const SECRET = 'webhook-secret-for-tests-0123456789abcdef';

function problems(env: Record<string, string>): string[] {
  try {
    buildConfig(base, env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('notify configuration', () => {
  it('is off by default: no URLs, no secret needed', () => {
    expect(buildConfig(base, {}).notify).toMatchObject({ webhookUrls: [], timeoutMs: 5000, maxAttempts: 8 });
  });

  it('reads NOTIFY_WEBHOOK_URLS as a comma-separated list (spaces and empty items ignored)', () => {
    const config = buildConfig(base, {
      NOTIFY_WEBHOOK_URLS: ' https://hooks.slack.com/services/T0/B0/xyz , http://127.0.0.1:9000/hook,',
      NOTIFY_WEBHOOK_SECRET: SECRET,
    });
    expect(config.notify.webhookUrls).toEqual([
      'https://hooks.slack.com/services/T0/B0/xyz',
      'http://127.0.0.1:9000/hook',
    ]);
    expect(config.notify.webhookSecret).toBe(SECRET);
  });

  it('refuses a non-http(s) URL, naming the variable and the position but never the URL', () => {
    const found = problems({
      NOTIFY_WEBHOOK_URLS: 'https://ok.example/hook,ftp://files.example/secret-path,not a url',
      NOTIFY_WEBHOOK_SECRET: SECRET,
    });
    expect(found).toEqual([
      'NOTIFY_WEBHOOK_URLS: URL 2 of 3 is not an http(s) URL',
      'NOTIFY_WEBHOOK_URLS: URL 3 of 3 is not a URL',
    ]);
    expect(found.join()).not.toContain('secret-path');
  });

  it('refuses a URL holding a user or password (fetch cannot send it; it would leak in logs)', () => {
    expect(
      problems({ NOTIFY_WEBHOOK_URLS: 'https://u:p@hooks.example/x', NOTIFY_WEBHOOK_SECRET: SECRET }),
    ).toEqual(['NOTIFY_WEBHOOK_URLS: URL 1 of 1 must not hold a user or password']);
  });

  it('requires NOTIFY_WEBHOOK_SECRET when URLs are set, and a long one', () => {
    expect(problems({ NOTIFY_WEBHOOK_URLS: 'https://hooks.example/x' })).toEqual([
      'notify.webhookSecret: NOTIFY_WEBHOOK_SECRET is required when webhook URLs are set: every webhook is signed with it',
    ]);
    expect(
      problems({ NOTIFY_WEBHOOK_URLS: 'https://hooks.example/x', NOTIFY_WEBHOOK_SECRET: 'short' }),
    ).toEqual(['NOTIFY_WEBHOOK_SECRET: webhook secrets must be at least 32 characters']);
  });

  it('never prints the URLs or the secret', () => {
    const config = buildConfig(base, {
      NOTIFY_WEBHOOK_URLS: 'https://hooks.slack.com/services/T0/B0/xyz',
      NOTIFY_WEBHOOK_SECRET: SECRET,
    });
    const shown = JSON.stringify(maskSecrets(config));
    expect(shown).not.toContain('hooks.slack.com');
    expect(shown).not.toContain(SECRET);
  });
});
