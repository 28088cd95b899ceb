import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry, type Counter } from 'prom-client';
import type { NotifyEvent } from '../../../src/notify/events.js';
import { createNotifyMetrics } from '../../../src/notify/notify-metrics.js';
import { Notifier } from '../../../src/notify/notifier.js';
import { verifyWebhook } from '../../../src/notify/signature.js';
import type { DeliveryPolicy } from '../../../src/notify/url-worker.js';
import type { NotifyClock } from '../../../src/notify/clock.js';
import { ManualClock } from '../../support/manual-clock.js';
import { until } from '../../support/until.js';
import { startReceiver, type Answer, type WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = 'webhook-secret-for-tests-0123456789abcdef';
const POLICY: DeliveryPolicy = {
  timeoutMs: 60_000,
  maxAttempts: 5,
  maxAgeMs: 900_000,
  baseDelayMs: 10_000,
  maxDelayMs: 60_000,
  queueCapacity: 1000,
};

const receivers: WebhookReceiver[] = [];
let notifier: Notifier | undefined;
let logs: string[] = [];

afterEach(async () => {
  await notifier?.stop(0);
  notifier = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(answer?: (index: number, json: any) => Answer): Promise<WebhookReceiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

function build(urls: string[], options: { policy?: Partial<DeliveryPolicy>; clock?: NotifyClock } = {}) {
  logs = [];
  const registry = new Registry();
  const metrics = createNotifyMetrics(registry);
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  notifier = new Notifier({
    urls,
    secret: SECRET,
    instance: 'replica-a',
    policy: { ...POLICY, ...options.policy },
    metrics,
    log: pino({ level: 'debug' }, sink),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    random: () => 0,
  });
  return { notifier, metrics };
}

async function count(counter: Counter<string>, label: string): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => Object.values(v.labels).includes(label)).reduce((sum, v) => sum + v.value, 0);
}

/** Waits until the counter's series with `label` reaches `n` (the worker counts after the receiver answered). */
async function untilCount(counter: Counter<string>, label: string, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await count(counter, label)) !== n) {
    if (Date.now() > deadline) throw new Error(`${label}: ${await count(counter, label)}, not ${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const step = (n: number): NotifyEvent => ({
  type: 'step-advanced',
  step: n,
  fromPercent: n - 1,
  toPercent: n,
});
const seconds = (r: WebhookReceiver, i: number) => Number(r.received[i]!.headers['x-switchyard-timestamp']);

/** Moves a manual clock on in 1 s steps while waiting for `condition`. */
const advanceUntil = (clock: ManualClock, condition: () => boolean, what: string) =>
  until(
    () => {
      if (condition()) return true;
      clock.advance(1000);
      return false;
    },
    20_000,
    what,
  );

describe('Notifier: signed webhooks to real receivers', () => {
  it('delivers every event to every URL, signed, in the order of the events', async () => {
    const [a, b] = [await receiver(), await receiver()];
    const { notifier, metrics } = build([a.url, b.url]);
    for (let n = 1; n <= 30; n++) notifier.notify(step(n));
    await until(() => a.received.length === 30 && b.received.length === 30, 20_000, '30 webhooks at each');
    for (const r of [a, b]) {
      expect(r.received.map((w) => w.json.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      for (const w of r.received) {
        expect(w.headers['content-type']).toBe('application/json');
        const headers = {
          timestamp: w.headers['x-switchyard-timestamp'] as string,
          signature: w.headers['x-switchyard-signature'] as string,
        };
        expect(verifyWebhook(SECRET, headers, w.body, Date.now() / 1000)).toBe(true);
        expect(verifyWebhook(`${SECRET}-other`, headers, w.body, Date.now() / 1000)).toBe(false);
        expect(w.json).toMatchObject({
          type: 'step-advanced',
          instance: 'replica-a',
          text: expect.any(String),
        });
      }
    }
    await untilCount(metrics.sent, 'step-advanced', 60);
  });

  it('retries a 500 after the backoff on the injected clock; the webhook arrives once', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = await receiver((i) => ({ status: i === 0 ? 500 : 200 }));
    const { notifier, metrics } = build([r.url], { clock });
    notifier.notify({ type: 'resume' });
    await until(() => logs.some((l) => l.includes('retrying')), 10_000, 'the first attempt and its failure');
    expect(r.received).toHaveLength(1);
    await advanceUntil(clock, () => r.received.length === 2, 'the retry');
    // random 0: the first backoff is half of the 10 s base, on a clock that moves only when the test moves it.
    expect(seconds(r, 1) - seconds(r, 0)).toBeGreaterThanOrEqual(5);
    expect(seconds(r, 1) - seconds(r, 0)).toBeLessThanOrEqual(6);
    expect(r.received[1]!.body).toBe(r.received[0]!.body);
    await untilCount(metrics.sent, 'resume', 1);
    expect(await count(metrics.failures, 'server_error')).toBe(0);
  });

  it("honours a 429's Retry-After over the shorter backoff", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = await receiver((i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '30' } } : { status: 200 },
    );
    const { notifier, metrics } = build([r.url], { clock });
    notifier.notify({ type: 'resume' });
    await until(() => logs.some((l) => l.includes('retrying')), 10_000, 'the first attempt and its failure');
    await advanceUntil(clock, () => r.received.length === 2, 'the retry');
    expect(seconds(r, 1) - seconds(r, 0)).toBeGreaterThanOrEqual(30);
    expect(seconds(r, 1) - seconds(r, 0)).toBeLessThanOrEqual(31);
    await untilCount(metrics.sent, 'resume', 1);
  });

  it('gives up after maxAttempts, counts the failure, then delivers the next event', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = await receiver((_i, json) => ({ status: json.type === 'rollback' ? 503 : 200 }));
    const { notifier, metrics } = build([r.url], { clock, policy: { maxAttempts: 3 } });
    notifier.notify({ type: 'rollback', trigger: 'manual', reason: null, engagedAt: null });
    notifier.notify({ type: 'resume' });
    await advanceUntil(clock, () => r.received.length === 4, 'three attempts and the next event');
    expect(r.received.map((w) => w.json.type)).toEqual(['rollback', 'rollback', 'rollback', 'resume']);
    await until(() => logs.some((l) => l.includes('giving up')), 10_000, 'the give-up log');
    expect(await count(metrics.failures, 'server_error')).toBe(1);
    await untilCount(metrics.sent, 'resume', 1);
    expect(await count(metrics.sent, 'rollback')).toBe(0);
  });

  it('does not retry a 4xx other than 429 (the receiver refused it)', async () => {
    const r = await receiver((_i, json) => ({ status: json.type === 'rollback' ? 400 : 200 }));
    const { notifier, metrics } = build([r.url]);
    notifier.notify({ type: 'rollback', trigger: 'manual', reason: null, engagedAt: null });
    notifier.notify({ type: 'resume' });
    await until(() => r.received.length === 2, 10_000, 'both events');
    await until(() => logs.some((l) => l.includes('giving up')), 10_000, 'the give-up log');
    expect(r.received.map((w) => w.json.type)).toEqual(['rollback', 'resume']);
    expect(await count(metrics.failures, 'rejected')).toBe(1);
  });

  it('gives up at once when Retry-After points past the max age', async () => {
    const r = await receiver(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const { notifier, metrics } = build([r.url], { policy: { maxAgeMs: 900_000 } });
    notifier.notify({ type: 'resume' });
    await until(() => logs.some((l) => l.includes('giving up')), 10_000, 'the give-up log');
    expect(r.received).toHaveLength(1);
    expect(await count(metrics.failures, 'rate_limited')).toBe(1);
  });

  it('abandons an attempt at its timeout (on the injected clock) and retries it', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = await receiver((i) => (i === 0 ? 'hang' : { status: 200 }));
    const { notifier, metrics } = build([r.url], { clock, policy: { timeoutMs: 5_000 } });
    notifier.notify({ type: 'resume' });
    await until(() => r.hanging() === 1, 10_000, 'a hanging attempt');
    await advanceUntil(clock, () => r.received.length === 2, 'the retry');
    await until(() => r.hanging() === 0, 10_000, 'the timed-out request closed');
    expect(seconds(r, 1) - seconds(r, 0)).toBeGreaterThanOrEqual(5 + 5);
    await until(() => logs.some((l) => l.includes('"reason":"timeout"')), 10_000, 'the timeout log');
    await untilCount(metrics.sent, 'resume', 1);
  });

  it('a dead URL holds up only its own queue: the other URL gets every event', async () => {
    const dead = await receiver(() => 'hang');
    const alive = await receiver();
    const { notifier } = build([dead.url, alive.url]);
    for (let n = 1; n <= 20; n++) notifier.notify(step(n));
    await until(() => alive.received.length === 20, 20_000, 'every event at the live URL');
    expect(dead.received).toHaveLength(1);
    expect(dead.hanging()).toBe(1);
  });

  it('bounds each queue: a full queue drops the oldest events and counts them; notify never waits', async () => {
    const r = await receiver(() => 'hang');
    const { notifier, metrics } = build([r.url], { policy: { queueCapacity: 3 } });
    for (let n = 1; n <= 10; n++) notifier.notify(step(n));
    // The worker starts after notify returned: 10 pushes onto 3 places dropped the 7 oldest.
    await until(() => r.received.length === 1, 10_000, 'the first attempt');
    expect(r.received[0]!.json.step).toBe(8);
    expect(await count(metrics.dropped, 'step-advanced')).toBe(7);
    await notifier.stop(0);
    // Steps 9 and 10 were still queued at the stop, and step 8 was abandoned in flight.
    await untilCount(metrics.dropped, 'step-advanced', 10);
  });

  it('a stop during a backoff wait sends nothing more and counts the webhook as dropped', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const r = await receiver(() => ({ status: 500 }));
    const { notifier, metrics } = build([r.url], { clock });
    notifier.notify({ type: 'resume' });
    await until(() => logs.some((l) => l.includes('retrying')), 10_000, 'the first attempt and its failure');
    await notifier.stop(0);
    await untilCount(metrics.dropped, 'resume', 1);
    expect(r.received).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });

  it('never throws at the caller, and logs no URL path (a Slack URL is a secret)', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { notifier } = build([r.url], { policy: { maxAttempts: 1 } });
    expect(() => notifier.notify({ type: 'plan-complete', percent: 1n as unknown as number })).not.toThrow();
    notifier.notify({ type: 'resume' });
    await until(() => logs.some((l) => l.includes('giving up')), 10_000, 'the give-up log');
    const all = logs.join('');
    expect(all).toContain('webhook not queued');
    expect(all).toContain(`"target":"${new URL(r.url).origin}"`);
    expect(all).not.toContain('/hooks/switchyard');
  });
});
