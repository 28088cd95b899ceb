import { describeChange } from '../../../console/src/change.js';
import { filterQuery } from '../../../console/src/divergence-query.js';
import { sourceHealth } from '../../../console/src/format.js';

describe("the console's formatting of store views", () => {
  it('shows only what an audit entry changed', () => {
    expect(describeChange({ rollout: 0, shadow: 10 }, { rollout: 10, shadow: 10 })).toBe('rollout 0 → 10');
    expect(describeChange({ rollback: false }, { rollback: true, trigger: 'manual' })).toBe(
      'rollback false → true, trigger — → manual',
    );
    expect(describeChange({ a: 1 }, { a: 1 })).toBe('no change');
    expect(describeChange(null, { plan: [1, 5] })).toBe('plan — → [1,5]');
    expect(describeChange(undefined, undefined)).toBe('—');
    expect(describeChange('x'.repeat(300), 'y')).toHaveLength(120 + ' → y'.length);
  });

  it("says a replica's flag source health in words", () => {
    expect(sourceHealth({ kind: 'file', ready: true, up: true })).toBe('file ✓');
    expect(sourceHealth({ kind: 'unleash', ready: true, up: false, problem: 'ECONNREFUSED' })).toBe(
      'unleash ✕ ECONNREFUSED',
    );
    expect(sourceHealth({ kind: 'unleash', ready: false })).toBe('unleash ✕ not ready');
    expect(sourceHealth(undefined)).toBe('—');
    expect(sourceHealth('memory')).toBe('memory');
  });

  it('builds the divergence search query, encoded, leaving out what is unset', () => {
    const none = { source: 'cross', kind: '', engine: '', since: '', until: '', route: '' };
    expect(filterQuery(none)).toBe('&source=cross');
    expect(
      filterQuery({
        source: 'baseline',
        kind: 'tool',
        engine: 'user',
        since: '15m',
        until: '2026-12-07T10:00:00+01:00',
        route: 'runs',
      }),
    ).toBe(
      '&source=baseline&kind=tool&engine=user&since=15m&until=2026-12-07T10%3A00%3A00%2B01%3A00&route=runs',
    );
  });
});
