import type { GuardView } from '../../../console/src/api-types.js';
import type { Command } from '../command.js';
import { formatGuard } from '../format/guard.js';

export const guard: Command = {
  name: 'guard',
  usage: 'guard',
  summary: "the automatic rollback's gates against their limits; the last trip",
  args: { min: 0, max: 0 },
  async run(ctx) {
    const client = await ctx.client();
    const view = await client.get<GuardView>('/admin/guard', { feature: 'the guard' });
    return { data: view, text: formatGuard(view, Date.now()) };
  },
};
