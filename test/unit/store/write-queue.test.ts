import { Registry } from 'prom-client';
import { createStoreMetrics } from '../../../src/store/store-metrics.js';
import { WriteQueue } from '../../../src/store/write-queue.js';

async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const m = registry.getSingleMetric(name);
  const { values } = await m!.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((s, v) => s + v.value, 0);
}

function setup(write: (batch: readonly number[]) => Promise<void>, capacity = 10, batchSize = 4) {
  const registry = new Registry();
  const metrics = createStoreMetrics(registry);
  const queue = new WriteQueue<number>({
    kind: 'divergence',
    write,
    metrics,
    capacity,
    batchSize,
    flushMs: 5,
  });
  return { registry, queue };
}

describe('WriteQueue', () => {
  it('writes everything in batches of at most batchSize, in order, one write at a time', async () => {
    const batches: number[][] = [];
    let inFlight = 0;
    let most = 0;
    const { queue, registry } = setup(async (b) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      batches.push([...b]);
      inFlight -= 1;
    });
    for (let i = 0; i < 10; i++) queue.push(i);
    await queue.flush();
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    expect(most).toBe(1);
    expect(await value(registry, 'switchyard_store_dropped_total')).toBe(0);
    expect(await value(registry, 'switchyard_store_up')).toBe(1);
  });

  it('never waits on a store that hangs: past capacity, records are shed and counted', async () => {
    let release = () => {};
    const { queue, registry } = setup(() => new Promise<void>((r) => (release = r)));
    for (let i = 0; i < 4; i++) queue.push(i); // the first batch goes out and hangs
    for (let i = 0; i < 25; i++) queue.push(i);
    expect(queue.length).toBe(10);
    expect(await value(registry, 'switchyard_store_dropped_total', { kind: 'divergence' })).toBe(15);
    expect(await value(registry, 'switchyard_store_dropped_total', { kind: 'audit' })).toBe(0);
    release();
    const done = queue.flush();
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      release();
    }
    await done;
    expect(queue.length).toBe(0);
  });

  it('drops and counts a batch the store refuses, says the store is down, and writes on after', async () => {
    let fail = true;
    const written: number[] = [];
    const { queue, registry } = setup((b) => {
      if (fail) return Promise.reject(new Error('connection refused'));
      written.push(...b);
      return Promise.resolve();
    });
    queue.push(1);
    queue.push(2);
    await queue.flush();
    expect(await value(registry, 'switchyard_store_dropped_total', { kind: 'divergence' })).toBe(2);
    expect(await value(registry, 'switchyard_store_up')).toBe(0);
    fail = false;
    queue.push(3);
    await queue.flush();
    expect(written).toEqual([3]);
    expect(await value(registry, 'switchyard_store_up')).toBe(1);
  });

  it('is bounded by bytes as well: a record that would pass the bound is shed and counted, smaller ones still fit', async () => {
    const registry = new Registry();
    const metrics = createStoreMetrics(registry);
    let release = () => {};
    const written: string[] = [];
    const queue = new WriteQueue<string>({
      kind: 'divergence',
      metrics,
      capacity: 1_000,
      maxBytes: 100,
      sizeOf: (s) => Buffer.byteLength(s),
      batchSize: 1,
      flushMs: 5,
      write: (b) =>
        new Promise<void>((r) => {
          written.push(...b);
          release = r;
        }),
    });
    queue.push('in flight'); // written at once and hanging: no longer held
    const big = 'x'.repeat(40);
    queue.push(big);
    queue.push(big);
    expect(queue.bytes).toBe(80);
    queue.push(big); // 120 > 100: shed
    queue.push('é'.repeat(11)); // 22 bytes (11 characters): 102 > 100, shed
    queue.push('y'.repeat(20)); // exactly 100: kept
    expect(queue.length).toBe(3);
    expect(queue.bytes).toBe(100);
    expect(await value(registry, 'switchyard_store_dropped_total', { kind: 'divergence' })).toBe(2);
    const done = queue.flush();
    for (let i = 0; i < 6; i++) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(written).toEqual(['in flight', big, big, 'y'.repeat(20)]);
    expect(queue.bytes).toBe(0);
    queue.push(big); // room again once written: taken (and written at once, batches of 1)
    expect(written.at(-1)).toBe(big);
    expect(written).toHaveLength(5);
    expect(await value(registry, 'switchyard_store_dropped_total', { kind: 'divergence' })).toBe(2);
  });

  it('with no byte bound, only the count bounds (records of any size fit)', async () => {
    const { queue, registry } = setup(() => new Promise<void>(() => {}), 3, 1);
    queue.push(1); // in flight, hangs
    for (let i = 0; i < 3; i++) queue.push(i);
    expect(queue.length).toBe(3);
    expect(queue.bytes).toBe(0);
    queue.push(4);
    expect(await value(registry, 'switchyard_store_dropped_total', { kind: 'divergence' })).toBe(1);
  });
});
