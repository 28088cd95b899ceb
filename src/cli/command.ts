import type { AdminClient } from './admin-client.js';
import type { Connection } from './connection.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Shown in help, e.g. `TEXT`. */
  value?: string;
  description: string;
}

/** What a command gets: its arguments, its options, and lazy access to the admin API. */
export interface CommandContext {
  args: readonly string[];
  options: Readonly<Record<string, string | boolean | undefined>>;
  json: boolean;
  connection(): Promise<Connection>;
  client(): Promise<AdminClient>;
}

/** `data` is printed with `--json` (the API's JSON), `text` otherwise. */
export interface CommandResult {
  data: unknown;
  text: string;
}

/** One entry of the dispatch table (commands/index.ts). */
export interface Command {
  name: string;
  /** e.g. `rollout <percent>` */
  usage: string;
  summary: string;
  /** Positional arguments after the command name. */
  args: { min: number; max: number };
  options?: Readonly<Record<string, OptionSpec>>;
  run(ctx: CommandContext): Promise<CommandResult>;
}
