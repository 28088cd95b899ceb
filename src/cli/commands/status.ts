import type { GuardView, StateView, SummaryView } from '../../../console/src/api-types.js';
import type { AdminClient } from '../admin-client.js';
import type { Command } from '../command.js';
import { guardLine } from '../format/guard.js';
import { stateRows } from '../format/state.js';
import { summaryRows } from '../format/summary.js';
import { table } from '../format/text.js';

/** An optional view: absent (null) when this proxy does not serve it, a note when it failed. */
async function optional<T>(client: AdminClient, path: string): Promise<T | null | { failed: string }> {
  try {
    return await client.getOptional<T>(path);
  } catch (err) {
    return { failed: (err as Error).message };
  }
}

const failed = (v: unknown): v is { failed: string } => typeof v === 'object' && v !== null && 'failed' in v;

export const status: Command = {
  name: 'status',
  usage: 'status',
  summary: 'the stage, percentages, rollback switch, flag source, last minute and guard',
  args: { min: 0, max: 0 },
  async run(ctx) {
    const client = await ctx.client();
    const state = await client.get<StateView>('/admin/state');
    const [summary, guard] = await Promise.all([
      optional<SummaryView>(client, '/admin/summary?window=60'),
      optional<GuardView>(client, '/admin/guard'),
    ]);
    const now = Date.now();
    const rows = stateRows(state, now);
    if (failed(summary)) rows.push(['traffic', `unavailable: ${summary.failed}`]);
    else if (summary !== null) rows.push(...summaryRows(summary));
    if (failed(guard)) rows.push(['guard', `unavailable: ${guard.failed}`]);
    else if (guard !== null) rows.push(['guard', guardLine(guard, now)]);
    const data = { ...state, summary: failed(summary) ? null : summary, guard: failed(guard) ? null : guard };
    return { data, text: table(rows) };
  },
};
