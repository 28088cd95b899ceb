import { runFlagsCommand } from './commands/flags.js';
import { AdminClient } from './admin-client.js';
import { parseCommandLine, stringOption, type CommandLine } from './args.js';
import type { Command, CommandContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { resolveConnection, type Connection } from './connection.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { commandHelp, generalHelp } from './format/help.js';
import { packageVersion } from './version.js';

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs one command line and answers the exit code; never throws, never calls process.exit. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  if (argv[0] === 'flags') return runFlagsCommand(argv.slice(1), io.env, io);
  let command: Command | undefined;
  try {
    const line = parseCommandLine(argv, commands);
    if (line.options['version'] === true) return print(io, packageVersion());
    const name = line.command;
    if (name === null) {
      if (line.options['help'] === true) return print(io, generalHelp(commands));
      throw new UsageError('no command given');
    }
    if (name === 'help') return print(io, help(line.args[0], commands));
    command = commands.find((c) => c.name === name);
    if (command === undefined) throw new UsageError(`unknown command "${name}"`);
    if (line.options['help'] === true) return print(io, commandHelp(command));
    const { min, max } = command.args;
    if (line.args.length < min || line.args.length > max)
      throw new UsageError(`usage: switchyard ${command.usage}`);
    const result = await command.run(context(line, io));
    return print(io, line.options['json'] === true ? JSON.stringify(result.data, null, 2) : result.text);
  } catch (err) {
    if (!(err instanceof CliError)) {
      io.stderr(`switchyard: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
      return EXIT.failure;
    }
    const see =
      err instanceof UsageError
        ? ` (see \`switchyard help${command === undefined ? '' : ` ${command.name}`}\`)`
        : '';
    io.stderr(`switchyard: ${err.message}${see}\n`);
    return err.exitCode;
  }
}

function help(topic: string | undefined, commands: readonly Command[]): string {
  if (topic === undefined) return generalHelp(commands);
  const command = commands.find((c) => c.name === topic);
  if (command === undefined) throw new UsageError(`unknown command "${topic}"`);
  return commandHelp(command);
}

function context(line: CommandLine, io: CliIo): CommandContext {
  let connection: Promise<Connection> | undefined;
  const connect = (): Promise<Connection> =>
    (connection ??= resolveConnection({
      env: io.env,
      cwd: io.cwd,
      admin: stringOption(line.options, 'admin'),
      token: stringOption(line.options, 'token'),
      actor: stringOption(line.options, 'actor'),
    }));
  return {
    args: line.args,
    options: line.options,
    json: line.options['json'] === true,
    connection: connect,
    client: async () => new AdminClient(await connect()),
  };
}

function print(io: CliIo, text: string): number {
  io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return EXIT.ok;
}
