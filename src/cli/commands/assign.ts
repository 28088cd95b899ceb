import type { AssignmentView } from '../../../console/src/api-types.js';
import type { Command } from '../command.js';
import { assignmentLine } from '../format/changes.js';

export const assignmentPath = (userId: string): string => `/admin/assignments/${encodeURIComponent(userId)}`;

export const assign: Command = {
  name: 'assign',
  usage: 'assign <userId>',
  summary: 'which engine serves a user, whether shadowed, and why',
  args: { min: 1, max: 1 },
  async run(ctx) {
    const client = await ctx.client();
    const assignment = await client.get<AssignmentView>(assignmentPath(ctx.args[0] ?? ''));
    return { data: assignment, text: assignmentLine(assignment) };
  },
};
