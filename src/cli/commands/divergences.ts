import type { DivergencesView } from '../../../console/src/api-types.js';
import { parsePositiveInt, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { formatDivergences } from '../format/divergences.js';
import { nextPage } from '../format/fleet.js';

export const divergences: Command = {
  name: 'divergences',
  usage:
    'divergences [--since T] [--until T] [--kind K] [--route R] [--engine E] [--limit N] [--cursor C] [--baseline]',
  summary: 'recent runs where the engines differed, both streams side by side',
  args: { min: 0, max: 0 },
  options: {
    limit: { type: 'string', value: 'N', description: 'at most N, newest first' },
    kind: { type: 'string', value: 'K', description: 'only this kind (e.g. tool, order, isolation)' },
    since: { type: 'string', value: 'T', description: 'from an ISO time or a duration back (15m, 2h, 7d)' },
    until: { type: 'string', value: 'T', description: 'before an ISO time or a duration back' },
    route: { type: 'string', value: 'R', description: 'only this HTTP route' },
    engine: { type: 'string', value: 'E', description: 'only where either side was legacy or user' },
    source: { type: 'string', value: 'S', description: 'cross (the engines against each other) or baseline' },
    cursor: { type: 'string', value: 'C', description: 'the next page, as the last page said' },
    baseline: { type: 'boolean', description: 'the noise baseline book (an engine against itself)' },
  },
  async run(ctx) {
    const query = new URLSearchParams();
    const limit = stringOption(ctx.options, 'limit');
    if (limit !== undefined) query.set('limit', String(parsePositiveInt(limit, '--limit')));
    for (const name of ['kind', 'since', 'until', 'route', 'engine', 'source', 'cursor']) {
      const value = stringOption(ctx.options, name);
      if (value !== undefined) query.set(name, value);
    }
    if (ctx.options['baseline'] === true) query.set('source', 'baseline');
    const qs = query.toString() === '' ? '' : `?${query.toString()}`;
    const client = await ctx.client();
    const view = await client.get<DivergencesView>(`/admin/divergences${qs}`, {
      feature: 'the divergence store',
    });
    return { data: view, text: [formatDivergences(view.items), ...nextPage(view.next)].join('\n\n') };
  },
};
