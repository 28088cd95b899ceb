import type { DivergencesView } from '../api-types.js';
import { parsePositiveInt, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { formatDivergences } from '../format/divergences.js';

export const divergences: Command = {
  name: 'divergences',
  usage: 'divergences [--limit N] [--kind K] [--baseline]',
  summary: 'recent runs where the engines differed, both streams side by side',
  args: { min: 0, max: 0 },
  options: {
    limit: { type: 'string', value: 'N', description: 'at most N, newest first' },
    kind: { type: 'string', value: 'K', description: 'only this kind (e.g. tool, order, isolation)' },
    baseline: { type: 'boolean', description: 'the noise baseline book (an engine against itself)' },
  },
  async run(ctx) {
    const query = new URLSearchParams();
    const limit = stringOption(ctx.options, 'limit');
    const kind = stringOption(ctx.options, 'kind');
    if (limit !== undefined) query.set('limit', String(parsePositiveInt(limit, '--limit')));
    if (kind !== undefined) query.set('kind', kind);
    if (ctx.options['baseline'] === true) query.set('source', 'baseline');
    const qs = query.toString() === '' ? '' : `?${query.toString()}`;
    const client = await ctx.client();
    const view = await client.get<DivergencesView>(`/admin/divergences${qs}`, {
      feature: 'the divergence store',
    });
    return { data: view, text: formatDivergences(view.items) };
  },
};
