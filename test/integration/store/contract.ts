import { parseSlice } from '../../../src/guard/gates/slice.js';
import { SampleWindow } from '../../../src/guard/gates/window.js';
import type { DivergenceRecord, Store } from '../../../src/store/types.js';
import { auditEntry, record } from './records.js';

/** A fresh, empty database; `open` may be called more than once (restarts, concurrent starts). */
export interface StoreDatabase {
  open(): Store;
  drop(): Promise<void>;
}

const T0 = Date.UTC(2026, 11, 1);
const MIN = 60_000;

/**
 * The one contract every Store passes (issue 22, item 1): SQLite in the integration tests,
 * PostgreSQL 15 in the system tests. Each test gets its own empty database.
 */
export function storeContract(name: string, fresh: () => Promise<StoreDatabase>): void {
  describe(`Store contract: ${name}`, () => {
    let db: StoreDatabase;
    const opened: Store[] = [];
    const open = async () => {
      const store = db.open();
      opened.push(store);
      await store.migrate();
      return store;
    };

    beforeEach(async () => {
      db = await fresh();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close().catch(() => undefined);
      await db.drop();
    });

    it('migrates idempotently, also when several instances start at once', async () => {
      const stores = [db.open(), db.open(), db.open()];
      opened.push(...stores);
      await Promise.all(stores.map((s) => s.migrate()));
      await stores[0]!.migrate();
      await stores[1]!.addDivergences([record({ n: 1, at: T0 })]);
      expect((await stores[2]!.searchDivergences({ limit: 10 })).items).toHaveLength(1);
    });

    it('searches divergences by time range, kind, route, engine and source, newest first', async () => {
      const store = await open();
      await store.addDivergences([
        record({ n: 1, at: T0, kinds: ['status'] }),
        record({ n: 2, at: T0 + MIN, kinds: ['tool', 'order'] }),
        record({
          n: 3,
          at: T0 + 2 * MIN,
          result: 'isolation',
          kinds: [],
          control: 'user',
          candidate: 'legacy',
        }),
        record({ n: 4, at: T0 + 3 * MIN, kinds: ['field'], route: 'costs', source: 'baseline' }),
        record({
          n: 5,
          at: T0 + 4 * MIN,
          result: 'incomplete',
          kinds: [],
          control: 'user',
          candidate: 'user',
        }),
      ]);
      const ids = async (q: Parameters<Store['searchDivergences']>[0]) =>
        (await store.searchDivergences(q)).items.map((r) => r.divergence.id);
      expect(await ids({ limit: 10 })).toEqual(['5', '4', '3', '2', '1']);
      expect(await ids({ limit: 10, kind: 'tool' })).toEqual(['2']);
      expect(await ids({ limit: 10, kind: 'mismatch' })).toEqual(['4', '2', '1']);
      expect(await ids({ limit: 10, kind: 'isolation' })).toEqual(['3']);
      expect(await ids({ limit: 10, kind: 'error' })).toEqual([]);
      expect(await ids({ limit: 10, since: T0 + MIN, until: T0 + 3 * MIN })).toEqual(['3', '2']);
      expect(await ids({ limit: 10, kind: 'mismatch', since: T0 + MIN })).toEqual(['4', '2']);
      expect(await ids({ limit: 10, route: 'costs' })).toEqual(['4']);
      expect(await ids({ limit: 10, source: 'baseline' })).toEqual(['4']);
      expect(await ids({ limit: 10, source: 'cross', kind: 'mismatch' })).toEqual(['2', '1']);
      expect(await ids({ limit: 10, engine: 'user' })).toEqual(['5', '4', '3', '2', '1']);
      expect(await ids({ limit: 10, engine: 'legacy' })).toEqual(['4', '3', '2', '1']);
      const [first] = (await store.searchDivergences({ limit: 1, kind: 'isolation' })).items;
      expect(first).toMatchObject({ instance: 'i-1', source: 'cross', at: T0 + 2 * MIN });
      expect(first!.divergence.control.events[0]).toMatchObject({ userId: 'h-user' });
    });

    it('pages with a cursor: every record exactly once, ties on the same millisecond included', async () => {
      const store = await open();
      const records = Array.from({ length: 23 }, (_, i) =>
        record({ n: i, at: T0 + Math.floor(i / 3) * MIN, kinds: i % 2 === 0 ? ['tool'] : ['status'] }),
      );
      await store.addDivergences(records);
      for (const kind of [undefined, 'tool', 'mismatch']) {
        const seen: string[] = [];
        let page = await store.searchDivergences({ limit: 5, ...(kind && { kind }) });
        seen.push(...page.items.map((r) => r.id));
        while (page.next !== undefined) {
          page = await store.searchDivergences({ limit: 5, cursor: page.next, ...(kind && { kind }) });
          seen.push(...page.items.map((r) => r.id));
        }
        const expected = records
          .filter((r) => kind === undefined || kind === 'mismatch' || r.divergence.kinds.includes('tool'))
          .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
          .map((r) => r.id);
        expect(seen).toEqual(expected);
      }
    });

    it('keeps a divergence exactly, from the text its writer serialised once or from the object', async () => {
      const store = await open();
      const tricky = (spec: Parameters<typeof record>[0]): DivergenceRecord => {
        const r = record(spec);
        const event = {
          ...r.divergence.control.events[0]!,
          agent: 'quote " backslash \\ newline \n tab \t unicode é 漢 😀 </script>',
          error: '{"nested":"json as text"}',
        };
        return {
          ...r,
          divergence: { ...r.divergence, control: { ...r.divergence.control, events: [event] } },
        };
      };
      const serialised = tricky({ n: 1, at: T0, kinds: ['tool', 'order'] });
      const plain = tricky({ n: 2, at: T0 + 1, route: 'threads', kinds: ['field'] });
      await store.addDivergences([{ ...serialised, body: JSON.stringify(serialised.divergence) }, plain]);
      const items = (await store.searchDivergences({ limit: 10 })).items;
      expect(items.map((r) => r.divergence)).toEqual([plain.divergence, serialised.divergence]);
      expect(items.map(({ id, at, instance, source }) => ({ id, at, instance, source }))).toEqual(
        [plain, serialised].map(({ id, at, instance, source }) => ({ id, at, instance, source })),
      );
      const ids = async (q: Parameters<Store['searchDivergences']>[0]) =>
        (await store.searchDivergences(q)).items.map((r) => r.divergence.id);
      expect(await ids({ limit: 10, kind: 'order' })).toEqual(['1']);
      expect(await ids({ limit: 10, kind: 'field', route: 'threads' })).toEqual(['2']);
      expect(await ids({ limit: 10, kind: 'mismatch' })).toEqual(['2', '1']);
    });

    it('ignores a record written twice, and keeps everything across a restart', async () => {
      const store = await open();
      await store.addDivergences([record({ n: 1, at: T0 })]);
      await store.addDivergences([record({ n: 1, at: T0 }), record({ n: 2, at: T0 + 1 })]);
      await store.appendAudit([auditEntry(T0, 'rollback', { reason: 'errors' })]);
      await store.close();
      const again = await open();
      expect((await again.searchDivergences({ limit: 10 })).items.map((r) => r.id)).toEqual([
        'i-1:00000002',
        'i-1:00000001',
      ]);
      expect((await again.listAudit({ limit: 10 })).items).toEqual([
        expect.objectContaining({ action: 'rollback', reason: 'errors', before: { rollout: 0 } }),
      ]);
    });

    it('keeps the audit trail in order, with since and paging', async () => {
      const store = await open();
      await store.appendAudit([
        auditEntry(T0, 'rollout'),
        auditEntry(T0, 'shadow', { actor: null, address: null }),
        auditEntry(T0 + MIN, 'rollback', { reason: 'guard', failed: 'not persisted', after: null }),
      ]);
      const page = await store.listAudit({ limit: 2 });
      expect(page.items.map((e) => e.action)).toEqual(['rollback', 'shadow']);
      expect(page.items[0]).toMatchObject({
        reason: 'guard',
        failed: 'not persisted',
        after: null,
        role: 'admin',
      });
      expect(page.items[1]).toMatchObject({ actor: null, address: null });
      const rest = await store.listAudit({ limit: 2, cursor: page.next! });
      expect(rest.items.map((e) => e.action)).toEqual(['rollout']);
      expect(rest.next).toBeUndefined();
      expect((await store.listAudit({ limit: 10, since: T0 + 1 })).items.map((e) => e.action)).toEqual([
        'rollback',
      ]);
    });

    it('registers instances by heartbeat and shows one silent for 3 heartbeats as gone', async () => {
      const store = await open();
      const beat = (id: string, at: number, liveSessions = 0) =>
        store.heartbeat({
          id,
          version: '0.1.0',
          startedAt: T0,
          at,
          intervalMs: 5_000,
          flagSource: { kind: 'unleash', ready: true },
          liveSessions,
          guardMode: 'enforce',
        });
      await beat('a', T0);
      await beat('b', T0);
      await beat('a', T0 + 20_000, 7);
      const list = await store.listInstances(T0 + 20_000);
      expect(list).toEqual([
        expect.objectContaining({ id: 'a', gone: false, liveSessions: 7, at: T0 + 20_000 }),
        expect.objectContaining({ id: 'b', gone: true, flagSource: { kind: 'unleash', ready: true } }),
      ]);
      expect((await store.listInstances(T0 + 15_000)).find((i) => i.id === 'b')?.gone).toBe(false);
    });

    it('keeps small state with compare-and-set, so one writer wins', async () => {
      const store = await open();
      expect(await store.getState('plan')).toBeNull();
      expect(await store.putState('plan', { step: 1 }, 0, T0)).toBe(true);
      expect(await store.putState('plan', { step: 9 }, 0, T0)).toBe(false);
      const other = await open();
      const results = await Promise.all([
        store.putState('plan', { step: 2 }, 1, T0 + 1),
        other.putState('plan', { step: 3 }, 1, T0 + 1),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const state = await other.getState('plan');
      expect(state).toMatchObject({ version: 2, updatedAt: T0 + 1 });
      expect([{ step: 2 }, { step: 3 }]).toContainEqual(state!.value);
    });

    it('prunes what is older than the retention, in batches, and nothing newer', async () => {
      const store = await open();
      const old = Array.from({ length: 6_500 }, (_, i) =>
        record({ n: i, at: T0 - 1 - (i % 100), kinds: ['tool'] }),
      );
      for (let i = 0; i < old.length; i += 1_000) await store.addDivergences(old.slice(i, i + 1_000));
      await store.addDivergences([record({ n: 99_999, at: T0, kinds: ['tool'] })]);
      await store.appendAudit([auditEntry(T0 - 1, 'rollout'), auditEntry(T0, 'shadow')]);
      const beat = {
        version: 'v',
        startedAt: T0,
        intervalMs: 5_000,
        flagSource: null,
        liveSessions: 0,
        guardMode: 'off',
      };
      await store.heartbeat({ ...beat, id: 'old', at: T0 - 1 });
      await store.heartbeat({ ...beat, id: 'new', at: T0 });
      expect(await store.prune(T0)).toEqual({ divergences: 6_500, audit: 1, instances: 1 });
      expect((await store.searchDivergences({ limit: 10, kind: 'tool' })).items.map((r) => r.at)).toEqual([
        T0,
      ]);
      expect((await store.searchDivergences({ limit: 10 })).items).toHaveLength(1);
      expect((await store.listAudit({ limit: 10 })).items.map((e) => e.action)).toEqual(['shadow']);
      expect((await store.listInstances(T0)).map((i) => i.id)).toEqual(['new']);
    });

    it('keeps guard slices per instance and second: read since a second, without one instance, pruned', async () => {
      const store = await open();
      const S0 = T0 / 1000;
      const w = new SampleWindow(60);
      w.recordHttp('user', T0, 730, true, 0xdeadbeef);
      w.recordComparison(T0, 'mismatch', 7, ['tool', 'order']);
      w.recordComparison(T0 + 1000, 'match', 8);
      const [first, second] = w.slicesBetween(S0 - 1, S0 + 2);
      await store.addSlices([
        { instance: 'a', second: S0, data: first },
        { instance: 'b', second: S0, data: { stale: true } },
        { instance: 'b', second: S0, data: second },
        { instance: 'a', second: S0 + 1, data: second },
        { instance: 'c', second: S0 - 30, data: first },
      ]);
      await store.addSlices([{ instance: 'a', second: S0 + 1, data: first }]);
      const read = await store.readSlices(S0);
      expect(read.map((r) => [r.second, r.instance]).sort()).toEqual([
        [S0, 'a'],
        [S0, 'b'],
        [S0 + 1, 'a'],
      ]);
      expect(parseSlice(read.find((r) => r.instance === 'a' && r.second === S0)!.data)).toEqual(first);
      expect(read.find((r) => r.instance === 'b')!.data).toEqual(second);
      expect(read.find((r) => r.second === S0 + 1)!.data).toEqual(first);
      expect((await store.readSlices(S0 - 60, 'a')).map((r) => r.instance).sort()).toEqual(['b', 'c']);
      expect(await store.pruneSlices(S0)).toBe(1);
      expect(await store.readSlices(0)).toHaveLength(3);
    });

    it('names a judge: always the one embedded instance; in PostgreSQL one at a time, the next once it closes', async () => {
      const a = await open();
      const b = await open();
      expect(await a.tryJudge()).toBe(true);
      expect(await a.tryJudge()).toBe(true);
      if (a.kind === 'sqlite') {
        expect(await b.tryJudge()).toBe(true);
        return;
      }
      expect(await b.tryJudge()).toBe(false);
      expect(await b.tryJudge()).toBe(false);
      await a.resign();
      expect(await b.tryJudge()).toBe(true);
      expect(await a.tryJudge()).toBe(false);
      await b.close();
      expect(await a.tryJudge()).toBe(true);
    });
  });
}
