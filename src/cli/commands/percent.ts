import type { StateView } from '../../../console/src/api-types.js';
import { parsePercent } from '../args.js';
import type { Command } from '../command.js';
import { percentChange } from '../format/changes.js';

/** `rollout <percent>`, `shadow <percent>` and `baseline <percent>`: the same call on three flags. */
function percentCommand(which: 'rollout' | 'shadow' | 'baseline', summary: string): Command {
  return {
    name: which,
    usage: `${which} <percent>`,
    summary,
    args: { min: 1, max: 1 },
    async run(ctx) {
      const percent = parsePercent(ctx.args[0] ?? '');
      const client = await ctx.client();
      const before = await client.get<StateView>('/admin/state');
      const after = await client.put<StateView>(`/admin/${which}`, { percent });
      return { data: after, text: percentChange(which, before, after) };
    },
  };
}

export const rollout = percentCommand(
  'rollout',
  'set the % of users the user engine serves (sticky per user)',
);
export const shadow = percentCommand('shadow', 'set the % of users copied to the other engine and compared');
export const baseline = percentCommand(
  'baseline',
  'set the % of users copied to a second session of their own engine (the noise floor)',
);
