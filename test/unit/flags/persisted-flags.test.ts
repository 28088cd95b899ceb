import { emptyState } from '../../../src/flags/document.js';
import { InMemoryFlagSource } from '../../../src/flags/in-memory-source.js';
import { FlagPersistError, FlagsUnavailableError } from '../../../src/flags/source.js';
import type { FlagState } from '../../../src/routing/types.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };
const engaged = { engaged: true, trigger: 'manual', reason: 'r', at: '2026-01-01T00:00:00.000Z' } as const;
const released = { engaged: false, trigger: null, reason: null, at: null } as const;
const rollout = (percent: number) => (s: FlagState) => ({ ...s, rollout: { ...s.rollout, percent } });
const rollback = (s: FlagState) => (s.rollback.engaged ? s : { ...s, rollback: engaged });
const resume = (s: FlagState) => ({ ...s, rollback: released });
const eio = () => Object.assign(new Error('input/output error'), { code: 'EIO' });

/** A store whose writes the test completes (or fails) one by one. */
function gatedStore() {
  const gates: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const persist = () =>
    new Promise<void>((resolve, reject) => {
      gates.push({ resolve, reject });
    });
  /** Settles the next write once it has started. */
  const next = async (fail?: Error) => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    const g = gates.shift()!;
    if (fail === undefined) g.resolve();
    else g.reject(fail);
  };
  return { persist, next };
}

function sourceWith(options: ConstructorParameters<typeof InMemoryFlagSource>[1] = {}) {
  const source = new InMemoryFlagSource(names, options);
  const seen: FlagState[] = [];
  source.onChange((s) => seen.push(s));
  return { source, seen };
}

describe('local flag changes: written, then published', () => {
  it('publishes a change only once it is written', async () => {
    const store = gatedStore();
    const { source, seen } = sourceWith({ persist: store.persist });
    const done = source.update(rollout(30));
    await new Promise((r) => setImmediate(r));
    expect(source.current()!.rollout.percent).toBe(0);
    expect(seen).toHaveLength(0);
    await store.next();
    expect((await done).rollout.percent).toBe(30);
    expect(seen.map((s) => s.rollout.percent)).toEqual([30]);
  });

  it('leaves the state as it was when a change cannot be written, and says so', async () => {
    const { source, seen } = sourceWith({ persist: () => Promise.reject(eio()) });
    const err = await source.update(rollout(77)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlagPersistError);
    expect((err as FlagPersistError).heldInMemory).toBe(false);
    expect((err as Error).message).toBe('nothing changed: the flags could not be persisted (EIO)');
    expect(source.current()!.rollout.percent).toBe(0);
    expect(seen).toHaveLength(0);
  });

  it('keeps the rollback engaged when a resume cannot be written', async () => {
    let fail = false;
    const { source } = sourceWith({ persist: () => (fail ? Promise.reject(eio()) : Promise.resolve()) });
    await source.update(rollback);
    fail = true;
    await expect(source.update(resume)).rejects.toBeInstanceOf(FlagPersistError);
    expect(source.current()!.rollback).toEqual(engaged);
  });

  it('engages a rollback at once, and holds it in memory when it cannot be written', async () => {
    const store = gatedStore();
    const { source, seen } = sourceWith({ persist: store.persist });
    const done = source.update(rollback);
    expect(source.current()!.rollback).toEqual(engaged);
    expect(seen.map((s) => s.rollback.engaged)).toEqual([true]);
    await store.next(eio());
    const err = (await done.catch((e: unknown) => e)) as FlagPersistError;
    expect(err.heldInMemory).toBe(true);
    expect(err.message).toBe('the rollback is engaged on this instance but could not be persisted (EIO)');
    expect(source.current()!.rollback).toEqual(engaged);
    // The next change that is written carries the held rollback into the store.
    const later = source.update(rollout(10));
    await store.next();
    expect((await later).rollback).toEqual(engaged);
    expect(source.written.at(-1)!.rollback).toEqual(engaged);
  });

  it('publishes quick successive changes in order, each on top of the one before, never a stale one', async () => {
    const store = gatedStore();
    const { source, seen } = sourceWith({ persist: store.persist });
    const changes = [10, 20, 30].map((p) => source.update(rollout(p)));
    const shadow = source.update((s) => ({ ...s, shadow: { ...s.shadow, percent: 5 } }));
    for (let i = 0; i < 4; i++) await store.next();
    await Promise.all([...changes, shadow]);
    expect(seen.map((s) => [s.rollout.percent, s.shadow.percent])).toEqual([
      [10, 0],
      [20, 0],
      [30, 0],
      [30, 5],
    ]);
    expect(source.written.map((s) => s.rollout.percent)).toEqual([10, 20, 30, 30]);
  });

  it('keeps a rollback engaged while a change started before it is still being written', async () => {
    const store = gatedStore();
    const { source, seen } = sourceWith({ persist: store.persist });
    const slow = source.update(rollout(77));
    await new Promise((r) => setImmediate(r));
    const rb = source.update(rollback);
    expect(source.current()!.rollback.engaged).toBe(true);
    await store.next();
    expect((await slow).rollback.engaged).toBe(true);
    await store.next();
    await rb;
    expect(seen.every((s) => s.rollback.engaged)).toBe(true);
    expect(source.current()).toMatchObject({ rollout: { percent: 77 }, rollback: engaged });
    expect(source.written.at(-1)).toMatchObject({ rollout: { percent: 77 }, rollback: engaged });
  });

  it('refuses changes while the flags are unknown', async () => {
    const { source } = sourceWith({ initial: null });
    await expect(source.update(rollout(5))).rejects.toBeInstanceOf(FlagsUnavailableError);
    await expect(source.update(rollback)).rejects.toBeInstanceOf(FlagsUnavailableError);
    expect(source.current()).toBeNull();
    expect(source.status()).toMatchObject({ ready: false });
    source.load(emptyState(names));
    await expect(source.update(rollout(5))).resolves.toMatchObject({ rollout: { percent: 5 } });
  });
});
