import type { AuditView, InstancesView } from '../../../console/src/api-types.js';
import { parsePositiveInt, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { formatAudit, formatInstances } from '../format/fleet.js';

export const instances: Command = {
  name: 'instances',
  usage: 'instances',
  summary: 'the replicas sharing the store: version, heartbeat, sessions, guard mode',
  args: { min: 0, max: 0 },
  async run(ctx) {
    const client = await ctx.client();
    const view = await client.get<InstancesView>('/admin/instances', { feature: 'the instance registry' });
    return { data: view, text: formatInstances(view, Date.now()) };
  },
};

export const audit: Command = {
  name: 'audit',
  usage: 'audit [--since T] [--limit N] [--cursor C]',
  summary: 'every change made through the admin API, newest first',
  args: { min: 0, max: 0 },
  options: {
    since: { type: 'string', value: 'T', description: 'an ISO time or a duration back (15m, 2h, 7d)' },
    limit: { type: 'string', value: 'N', description: 'at most N (1..200)' },
    cursor: { type: 'string', value: 'C', description: 'the next page, as the last page said' },
  },
  async run(ctx) {
    const query = new URLSearchParams();
    for (const name of ['since', 'cursor']) {
      const value = stringOption(ctx.options, name);
      if (value !== undefined) query.set(name, value);
    }
    const limit = stringOption(ctx.options, 'limit');
    if (limit !== undefined) query.set('limit', String(parsePositiveInt(limit, '--limit')));
    const qs = query.toString() === '' ? '' : `?${query.toString()}`;
    const client = await ctx.client();
    const view = await client.get<AuditView>(`/admin/audit${qs}`, { feature: 'the audit trail' });
    return { data: view, text: formatAudit(view) };
  },
};
