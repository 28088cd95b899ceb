import { GLOBAL_OPTIONS } from '../args.js';
import type { Command, OptionSpec } from '../command.js';
import { EXIT } from '../errors.js';
import { table } from './text.js';

function optionRows(options: Readonly<Record<string, OptionSpec & { short?: string }>>): string[][] {
  return Object.entries(options).map(([name, o]) => [
    `  ${o.short === undefined ? '' : `-${o.short}, `}--${name}${o.value === undefined ? '' : ` ${o.value}`}`,
    o.description,
  ]);
}

/** `switchyard help`: every command of the table, the shared options and the exit codes. */
export function generalHelp(commands: readonly Command[]): string {
  return [
    'switchyard: the ops CLI of the Switchyard strangler proxy (talks to its admin API)',
    '',
    'Usage: switchyard <command> [arguments] [options]',
    '',
    'Commands:',
    table([
      ...commands.map((c) => [`  ${c.usage.replace(/\s*\[--.*$/, '')}`, c.summary]),
      ['  help [command]', 'this text, or one command in detail'],
    ]),
    '',
    'Options (every command; `switchyard help <command>` shows its own):',
    table(optionRows(GLOBAL_OPTIONS)),
    '',
    `Exit codes: ${EXIT.ok} done; ${EXIT.failure} the admin API refused (bad input, bad token); ` +
      `${EXIT.usage} bad command line; ${EXIT.unavailable} the admin API cannot be reached or lacks the feature.`,
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const own = command.options ?? {};
  return [
    `Usage: switchyard ${command.usage}`,
    '',
    command.summary,
    ...(Object.keys(own).length > 0 ? ['', 'Options:', table(optionRows(own))] : []),
    '',
    'Options (every command):',
    table(optionRows(GLOBAL_OPTIONS)),
  ].join('\n');
}
