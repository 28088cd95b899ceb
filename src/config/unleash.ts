import { z } from 'zod';

/**
 * The `flags.unleash` section of the configuration, the environment variables that set it, and
 * the values in it that must never be printed. schema.ts and env.ts merge these in.
 */
const apiUrl = z
  .url({ protocol: /^https?$/, error: 'not an http(s) URL (e.g. http://unleash:4242/api)' })
  .transform((u) => u.replace(/\/+$/, ''));
const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const unleashSection = z
  .strictObject({
    /** The API address as unleash-client takes it (`http://host:4242/api`); the admin API is below it. */
    url: apiUrl.optional(),
    /** A client (backend) token: reads the flags. */
    apiToken: nonEmpty.optional(),
    /** An admin token: lets the admin API and the CLI change the flags in Unleash. */
    adminToken: nonEmpty.optional(),
    refreshMs: z.coerce
      .number({ error: 'not a number' })
      .int('not an integer')
      .min(100, 'must be at least 100')
      .default(2000),
    /** The folder of unleash-client's backup file (never the OS temp dir). */
    backupPath: nonEmpty.default('.switchyard/unleash'),
    project: nonEmpty.default('default'),
    environment: nonEmpty.default('development'),
    appName: nonEmpty.default('switchyard'),
    /** Defaults to `<hostname>-<pid>`. */
    instanceId: nonEmpty.optional(),
  })
  .prefault({});

export type UnleashSettings = z.infer<typeof unleashSection>;

/** For the `flags` object's superRefine: Unleash needs its address and a client token. */
export function requireUnleashSettings(
  flags: { source: string; unleash: UnleashSettings },
  ctx: z.RefinementCtx,
): void {
  if (flags.source !== 'unleash') return;
  if (flags.unleash.url === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['unleash', 'url'],
      message: 'required when FLAG_SOURCE=unleash (UNLEASH_URL, e.g. http://unleash:4242/api)',
    });
  }
  if (flags.unleash.apiToken === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['unleash', 'apiToken'],
      message: 'required when FLAG_SOURCE=unleash (UNLEASH_API_TOKEN, a client token)',
    });
  }
}

export const UNLEASH_ENV_PATHS: Readonly<Record<string, readonly string[]>> = {
  UNLEASH_URL: ['flags', 'unleash', 'url'],
  UNLEASH_API_TOKEN: ['flags', 'unleash', 'apiToken'],
  UNLEASH_ADMIN_TOKEN: ['flags', 'unleash', 'adminToken'],
  UNLEASH_REFRESH_MS: ['flags', 'unleash', 'refreshMs'],
  UNLEASH_BACKUP_PATH: ['flags', 'unleash', 'backupPath'],
  UNLEASH_PROJECT: ['flags', 'unleash', 'project'],
  UNLEASH_ENVIRONMENT: ['flags', 'unleash', 'environment'],
  UNLEASH_APP_NAME: ['flags', 'unleash', 'appName'],
  UNLEASH_INSTANCE_ID: ['flags', 'unleash', 'instanceId'],
};

export const UNLEASH_SECRET_PATHS: readonly string[] = ['flags.unleash.apiToken', 'flags.unleash.adminToken'];
