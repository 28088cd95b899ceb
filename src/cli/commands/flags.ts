import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EXIT } from '../errors.js';
import { UnleashAdminApi } from '../../flags/unleash/admin-api.js';
import { unleashSection } from '../../config/unleash.js';
import { UnleashRefusedError, UnleashUnavailableError } from '../../flags/unleash/errors.js';
import { FlagFileError, importFlagFile } from '../../flags/unleash/import.js';
import { initFlags } from '../../flags/unleash/init.js';
import { unleashNames } from '../../flags/unleash/strategies.js';

export interface FlagsCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const FLAGS_USAGE = `Usage: switchyard flags init [--project P] [--environment E]
       switchyard flags import <file> [--project P] [--environment E]

  init     creates the rollout, shadow and meta flags in Unleash (idempotent: an existing flag is
           left as it is; a new one gets a flexibleRollout at 0%, stickiness userId, groupId its name)
  import   writes a flag file's state (percentages, overrides, rollback) to Unleash, after init,
           keeping every user on the engine the file gave them

Reads UNLEASH_URL (e.g. http://unleash:4242/api), UNLEASH_ADMIN_TOKEN, UNLEASH_PROJECT (default),
UNLEASH_ENVIRONMENT (development), ROLLOUT_FLAG (switchyard-rollout), SHADOW_FLAG (switchyard-shadow).
Exit codes: 0 done; 1 Unleash refused, or the file is not a flag file; 64 bad command line;
69 Unleash cannot be reached.`;

const settings = z.object({
  url: z
    .string({ error: 'UNLEASH_URL: required (e.g. http://unleash:4242/api)' })
    .pipe(unleashSection.unwrap().shape.url.unwrap()),
  adminToken: z.string({ error: 'UNLEASH_ADMIN_TOKEN: required (an Unleash admin token)' }).min(1),
  project: z.string().min(1),
  environment: z.string().min(1),
  rollout: z.string().min(1),
  shadow: z.string().min(1),
  baseline: z.string().min(1),
});

/** `switchyard flags <init|import <file>>`: answers the exit code; never throws, never exits. */
export async function runFlagsCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: FlagsCommandIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        project: { type: 'string' },
        environment: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr(`switchyard flags: ${(err as Error).message}\n${FLAGS_USAGE}\n`);
    return EXIT.usage;
  }
  const [sub, file, ...rest] = parsed.positionals;
  if (parsed.values.help === true) return print(io.stdout, FLAGS_USAGE, EXIT.ok);
  const shapeOk =
    (sub === 'init' && file === undefined) || (sub === 'import' && file !== undefined && rest.length === 0);
  if (!shapeOk) return print(io.stderr, `switchyard flags: bad command line\n${FLAGS_USAGE}`, EXIT.usage);
  const input = settings.safeParse({
    url: nonEmpty(env.UNLEASH_URL),
    adminToken: nonEmpty(env.UNLEASH_ADMIN_TOKEN),
    project: parsed.values.project ?? nonEmpty(env.UNLEASH_PROJECT) ?? 'default',
    environment: parsed.values.environment ?? nonEmpty(env.UNLEASH_ENVIRONMENT) ?? 'development',
    rollout: nonEmpty(env.ROLLOUT_FLAG) ?? 'switchyard-rollout',
    shadow: nonEmpty(env.SHADOW_FLAG) ?? 'switchyard-shadow',
    baseline: nonEmpty(env.BASELINE_FLAG) ?? 'switchyard-baseline',
  });
  if (!input.success) {
    const problems = input.error.issues.map((i) =>
      i.path[0] === 'url' && i.code !== 'invalid_type' ? `UNLEASH_URL: ${i.message}` : i.message,
    );
    return print(io.stderr, `switchyard flags: ${problems.join('; ')}`, EXIT.usage);
  }
  const s = input.data;
  const api = new UnleashAdminApi({
    url: s.url,
    token: s.adminToken,
    project: s.project,
    environment: s.environment,
  });
  const names = unleashNames({ rollout: s.rollout, shadow: s.shadow, baseline: s.baseline });
  const where = `Unleash ${s.url} (project ${s.project}, environment ${s.environment})`;
  try {
    const lines =
      sub === 'init'
        ? await initFlags(api, names)
        : await importFlagFile(api, names, file!, (m) => io.stderr(`switchyard flags: warning: ${m}\n`));
    return print(
      io.stdout,
      [`${sub === 'init' ? 'flags ready in' : 'imported into'} ${where}:`, ...lines].join('\n'),
      EXIT.ok,
    );
  } catch (err) {
    if (err instanceof UnleashUnavailableError)
      return print(io.stderr, `switchyard flags: ${err.message} at ${where}`, EXIT.unavailable);
    if (err instanceof UnleashRefusedError || err instanceof FlagFileError) {
      return print(io.stderr, `switchyard flags: ${err.message}`, EXIT.failure);
    }
    return print(
      io.stderr,
      `switchyard flags: unexpected error: ${(err as Error).stack ?? String(err)}`,
      EXIT.failure,
    );
  }
}

function print(write: (text: string) => void, text: string, code: number): number {
  write(text.endsWith('\n') ? text : `${text}\n`);
  return code;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
