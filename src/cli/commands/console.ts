import type { Command } from '../command.js';
import { CliError, EXIT } from '../errors.js';

/** The token travels in the fragment, which browsers never send to a server. */
export function consoleUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/console/#token=${encodeURIComponent(token)}`;
}

export const consoleCommand: Command = {
  name: 'console',
  usage: 'console',
  summary: "print the ops console's address (it carries the admin token)",
  args: { min: 0, max: 0 },
  async run(ctx) {
    const { baseUrl, token, tokenFrom } = await ctx.connection();
    if (token === null) throw new CliError(`no admin token found: looked at ${tokenFrom}`, EXIT.failure);
    const url = consoleUrl(baseUrl, token);
    return { data: { url }, text: url };
  },
};
