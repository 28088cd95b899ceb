import { pino } from 'pino';
import { z } from 'zod';
import {
  requireUnleashSettings,
  UNLEASH_ENV_PATHS,
  UNLEASH_SECRET_PATHS,
  unleashSection,
} from '../../../src/config/unleash.js';
import { createFlagSource } from '../../../src/flags/create-source.js';

/** The `flags` section as schema.ts composes it with the pieces this folder exports. */
const flagsSection = z
  .strictObject({ source: z.enum(['file', 'unleash']).default('file'), unleash: unleashSection })
  .prefault({})
  .superRefine(requireUnleashSettings);

function fromEnv(env: Record<string, string>): unknown {
  const unleash: Record<string, string> = {};
  for (const [name, path] of Object.entries(UNLEASH_ENV_PATHS))
    if (env[name] !== undefined) unleash[path[2]!] = env[name];
  return { source: env.FLAG_SOURCE ?? 'file', unleash };
}

const issues = (input: unknown) =>
  flagsSection.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('the flags.unleash configuration', () => {
  it('has the documented defaults, and nothing is required for the file source', () => {
    expect(flagsSection.parse({}).unleash).toEqual({
      refreshMs: 2000,
      backupPath: '.switchyard/unleash',
      project: 'default',
      environment: 'development',
      appName: 'switchyard',
    });
  });

  it('maps every UNLEASH_* variable, trims the URL, and keeps the tokens among the secrets', () => {
    const env = {
      FLAG_SOURCE: 'unleash',
      UNLEASH_URL: 'http://unleash:4242/api/',
      UNLEASH_API_TOKEN: 'default:production.client',
      UNLEASH_ADMIN_TOKEN: '*:*.admin',
      UNLEASH_REFRESH_MS: '1500',
      UNLEASH_BACKUP_PATH: '/var/lib/switchyard',
      UNLEASH_PROJECT: 'migration',
      UNLEASH_ENVIRONMENT: 'production',
      UNLEASH_APP_NAME: 'switchyard-eu',
      UNLEASH_INSTANCE_ID: 'pod-1',
    };
    expect(flagsSection.parse(fromEnv(env)).unleash).toEqual({
      url: 'http://unleash:4242/api',
      apiToken: 'default:production.client',
      adminToken: '*:*.admin',
      refreshMs: 1500,
      backupPath: '/var/lib/switchyard',
      project: 'migration',
      environment: 'production',
      appName: 'switchyard-eu',
      instanceId: 'pod-1',
    });
    expect(UNLEASH_SECRET_PATHS).toEqual(['flags.unleash.apiToken', 'flags.unleash.adminToken']);
  });

  it('names what FLAG_SOURCE=unleash needs, and refuses a bad URL or refresh', () => {
    expect(issues(fromEnv({ FLAG_SOURCE: 'unleash' }))).toEqual([
      'unleash.url: required when FLAG_SOURCE=unleash (UNLEASH_URL, e.g. http://unleash:4242/api)',
      'unleash.apiToken: required when FLAG_SOURCE=unleash (UNLEASH_API_TOKEN, a client token)',
    ]);
    expect(issues(fromEnv({ UNLEASH_URL: 'ftp://unleash/api', UNLEASH_REFRESH_MS: '10' }))).toEqual([
      'unleash.url: not an http(s) URL (e.g. http://unleash:4242/api)',
      'unleash.refreshMs: must be at least 100',
    ]);
  });

  it('builds the source the configuration asks for', () => {
    const log = pino({ level: 'silent' });
    const base = { file: 'flags.json', rolloutFlag: 'switchyard-rollout', shadowFlag: 'switchyard-shadow' };
    expect(createFlagSource({ flags: { ...base, source: 'file' } }, log).kind).toBe('file');
    const unleash = flagsSection.parse(
      fromEnv({ FLAG_SOURCE: 'unleash', UNLEASH_URL: 'http://127.0.0.1:9/api', UNLEASH_API_TOKEN: 't' }),
    ).unleash;
    expect(createFlagSource({ flags: { ...base, source: 'unleash', unleash } }, log).kind).toBe('unleash');
  });
});
