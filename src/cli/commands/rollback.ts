import type { StateView } from '../../../console/src/api-types.js';
import { stringOption } from '../args.js';
import type { Command } from '../command.js';
import { resumeResult, rollbackResult } from '../format/changes.js';

export const rollback: Command = {
  name: 'rollback',
  usage: 'rollback [--reason TEXT]',
  summary: 'engage the rollback switch: everyone to legacy, no shadowing',
  args: { min: 0, max: 0 },
  options: { reason: { type: 'string', value: 'TEXT', description: 'why, for the audit log and `status`' } },
  async run(ctx) {
    const reason = stringOption(ctx.options, 'reason');
    const client = await ctx.client();
    const before = await client.get<StateView>('/admin/state');
    const after = await client.post<StateView>('/admin/rollback', reason === undefined ? {} : { reason });
    return { data: after, text: rollbackResult(before, after, Date.now()) };
  },
};

export const resume: Command = {
  name: 'resume',
  usage: 'resume',
  summary: 'release the rollback switch: the kept percentages apply again',
  args: { min: 0, max: 0 },
  async run(ctx) {
    const client = await ctx.client();
    const before = await client.get<StateView>('/admin/state');
    const after = await client.post<StateView>('/admin/resume', {});
    return { data: after, text: resumeResult(before, after) };
  },
};
