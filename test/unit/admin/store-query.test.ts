import { auditQuery, divergenceQuery, encodeCursor } from '../../../src/admin/store-query.js';
import { SwitchyardError } from '../../../src/errors/switchyard-error.js';

const NOW = Date.UTC(2026, 11, 7, 12);

const refused = (query: Record<string, unknown>) => {
  try {
    divergenceQuery(query, NOW);
  } catch (error) {
    return error instanceof SwitchyardError ? error.status : 'other';
  }
  return 'accepted';
};

describe('the divergence and audit search parameters', () => {
  it('defaults to 50 and accepts every filter', () => {
    expect(divergenceQuery({}, NOW)).toEqual({ limit: 50 });
    const cursor = encodeCursor({ at: 5, id: 'a:1' });
    expect(
      divergenceQuery(
        {
          since: '2026-12-07T00:00:00Z',
          until: String(NOW),
          kind: 'tool',
          route: 'costs',
          engine: 'user',
          source: 'baseline',
          limit: '200',
          cursor,
        },
        NOW,
      ),
    ).toEqual({
      since: Date.UTC(2026, 11, 7),
      until: NOW,
      kind: 'tool',
      route: 'costs',
      engine: 'user',
      source: 'baseline',
      limit: 200,
      cursor: { at: 5, id: 'a:1' },
    });
  });

  it('reads a duration as that long ago', () => {
    expect(divergenceQuery({ since: '15m' }, NOW).since).toBe(NOW - 15 * 60_000);
    expect(auditQuery({ since: '7d' }, NOW).since).toBe(NOW - 7 * 86_400_000);
    expect(divergenceQuery({ kind: 'isolation' }, NOW).kind).toBe('isolation');
  });

  it.each([
    { limit: '0' },
    { limit: '201' },
    { limit: '1.5' },
    { limit: ['1', '2'] },
    { kind: 'match' },
    { kind: 'nope' },
    { since: 'yesterday' },
    { until: '2026-13-40' },
    { since: '15w' },
    { engine: 'both' },
    { source: 'ws' },
    { route: 'Costs!' },
    { cursor: 'not-a-cursor' },
    { cursor: Buffer.from('["x",1]').toString('base64url') },
  ])('refuses %j with a 400', (query) => {
    expect(refused(query)).toBe(400);
  });
});
