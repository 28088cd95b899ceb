import { SwitchyardError } from '../../../src/errors/switchyard-error.js';
import { DivergenceStore, type HttpDiff } from '../../../src/compare/index.js';
import { divergencesView } from '../../../src/shadow/divergences-view.js';

function storeWith(n: number): DivergenceStore {
  const store = new DivergenceStore({ hash: (id) => `h(${id})`, capacity: 300 });
  const diff: HttpDiff = { result: 'mismatch', kinds: ['status'], fields: [] };
  for (let i = 0; i < n; i++) {
    store.addHttp(diff, {
      at: i,
      route: 'r',
      control: { engine: 'legacy', status: 200 },
      candidate: { engine: 'user', status: 500 },
    });
  }
  return store;
}

const refused = (query: Record<string, unknown>) => {
  try {
    divergencesView(storeWith(1), query);
  } catch (error) {
    return error instanceof SwitchyardError ? error.status : 'other';
  }
  return 'accepted';
};

describe('divergencesView', () => {
  it('answers {items}, newest first, 50 by default and at most 200', () => {
    const store = storeWith(250);
    expect(divergencesView(store, {}).items).toHaveLength(50);
    expect(divergencesView(store, {}).items[0]!.id).toBe('250');
    expect(divergencesView(store, { limit: '200' }).items).toHaveLength(200);
    expect(divergencesView(store, { limit: '1' }).items).toHaveLength(1);
  });

  it('filters by result or mismatch kind', () => {
    const store = storeWith(3);
    expect(divergencesView(store, { kind: 'status' }).items).toHaveLength(3);
    expect(divergencesView(store, { kind: 'mismatch' }).items).toHaveLength(3);
    expect(divergencesView(store, { kind: 'isolation' }).items).toEqual([]);
  });

  it.each([
    { limit: '0' },
    { limit: '201' },
    { limit: '1.5' },
    { limit: '-1' },
    { limit: ['1', '2'] },
    { kind: 'match' },
    { kind: 'nope' },
  ])('refuses %j with a 400', (query) => {
    expect(refused(query)).toBe(400);
  });
});
