import { parseArgs } from 'node:util';
import type { Command, OptionSpec } from './command.js';
import { UsageError } from './errors.js';

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec & { short?: string }>> = {
  admin: {
    type: 'string',
    value: 'URL',
    description: 'the admin API (default http://$ADMIN_HOST:$ADMIN_PORT, else 127.0.0.1:9901)',
  },
  token: {
    type: 'string',
    value: 'TOKEN',
    description:
      'admin token (default $ADMIN_TOKEN, else the token file $ADMIN_TOKEN_FILE or .switchyard/admin-token)',
  },
  actor: {
    type: 'string',
    value: 'NAME',
    description: 'who you are, for the audit log (default <os user>@<hostname>)',
  },
  json: { type: 'boolean', description: "print the API's JSON, for scripts" },
  help: { type: 'boolean', short: 'h', description: 'show help' },
  version: { type: 'boolean', short: 'V', description: 'show the version' },
};

export interface CommandLine {
  /** The first positional, or null when there is none. */
  command: string | null;
  args: string[];
  options: Record<string, string | boolean | undefined>;
}

/** Parses with every command's options, then refuses the ones the named command does not take. */
export function parseCommandLine(argv: readonly string[], commands: readonly Command[]): CommandLine {
  const known: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS))
    known[name] = { type: spec.type, ...(spec.short !== undefined && { short: spec.short }) };
  for (const c of commands)
    for (const [name, spec] of Object.entries(c.options ?? {})) known[name] = { type: spec.type };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: known, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [command = null, ...args] = parsed.positionals;
  const options = parsed.values as Record<string, string | boolean | undefined>;
  const own = commands.find((c) => c.name === command);
  if (own !== undefined) {
    for (const name of Object.keys(options)) {
      if (!(name in GLOBAL_OPTIONS) && !(name in (own.options ?? {})))
        throw new UsageError(`${own.name} does not take --${name}`);
    }
  }
  return { command, args, options };
}

/** `25` or `25%` -> 25; anything but a whole number 0..100 is a usage error. */
export function parsePercent(raw: string): number {
  const text = raw.trim().replace(/%$/, '');
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 100)
    throw new UsageError(`percent must be a whole number from 0 to 100, not "${raw}"`);
  return n;
}

export function parsePositiveInt(raw: string, name: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1)
    throw new UsageError(`${name} must be a whole number of at least 1, not "${raw}"`);
  return n;
}

export function stringOption(options: CommandLine['options'], name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}
