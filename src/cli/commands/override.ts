import type { AssignmentView, StateView } from '../../../console/src/api-types.js';
import { stringOption } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { overrideResult } from '../format/changes.js';
import { assignmentPath } from './assign.js';

const CHOICES = ['legacy', 'user', 'clear'] as const;
type Choice = (typeof CHOICES)[number];
const isChoice = (s: string): s is Choice => (CHOICES as readonly string[]).includes(s);

export const override: Command = {
  name: 'override',
  usage: 'override <userId> <legacy|user|clear> [--note TEXT]',
  summary: 'override one user to an engine (staff first), or clear the override',
  args: { min: 2, max: 2 },
  options: {
    note: { type: 'string', value: 'TEXT', description: 'why this user has an override (e.g. "staff")' },
  },
  async run(ctx) {
    const [userId = '', serve = ''] = ctx.args;
    if (!isChoice(serve))
      throw new UsageError(`override: the engine must be legacy, user or clear, not "${serve}"`);
    const note = stringOption(ctx.options, 'note');
    if (serve === 'clear' && note !== undefined)
      throw new UsageError('override: --note goes with legacy or user, not clear');
    const client = await ctx.client();
    const path = `/admin/overrides/${encodeURIComponent(userId)}`;
    const after =
      serve === 'clear'
        ? await client.delete<StateView>(path)
        : await client.put<StateView>(path, note === undefined ? { serve } : { serve, note });
    if (ctx.json) return { data: after, text: '' };
    const now = await client.get<AssignmentView>(assignmentPath(userId));
    return { data: after, text: overrideResult(userId, serve, note, now) };
  },
};
