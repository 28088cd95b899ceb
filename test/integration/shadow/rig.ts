import WebSocket from 'ws';
import type { EngineFaults, RunningEngine } from '../../../engines/index.js';
import type { GuardClock } from '../../../src/guard/rollback-guard.js';
import { Harness, SECRET, TestClient, token } from '../engines/helpers.js';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';

export const TICKET_SECRET = 'ticket-secret-for-tests-0123456789abcdef';

export interface RigOptions {
  /** Config merged over the test defaults (`shadow` is merged one level deeper). */
  config?: Record<string, unknown>;
  shadow?: Record<string, unknown>;
  /** Engine URLs to use instead of the reference engines (a stub, a closed port). */
  legacyUrl?: string;
  userUrl?: string;
  legacyFaults?: EngineFaults;
  userFaults?: EngineFaults;
  /** Rollout percent (0: legacy serves and user is shadowed; 100: the other way round). */
  rollout?: number;
  /** Shadow percent; default 100. */
  shadowPercent?: number;
  /** The guard's clock (default: the system's). */
  guardClock?: GuardClock;
}

/**
 * Reference engines plus a proxy whose shadow flag is at 100 % (so every user is shadowed),
 * with real `ws` clients that are all closed by `close()`.
 */
export class ShadowRig {
  readonly h = new Harness();
  legacy!: RunningEngine;
  user!: RunningEngine;
  proxy!: ProxyUnderTest;
  private readonly sockets: WebSocket[] = [];
  private readonly proxies: ProxyUnderTest[] = [];

  async start(options: RigOptions = {}): Promise<this> {
    this.legacy = await this.h.engine('legacy', options.legacyFaults ?? {});
    this.user = await this.h.engine('user', options.userFaults ?? {});
    this.proxy = await this.startProxy(options);
    return this;
  }

  /** One more replica (same ticket secret), e.g. for a ticket issued elsewhere. */
  async startProxy(options: RigOptions = {}): Promise<ProxyUnderTest> {
    const proxy = await startProxy({
      legacyUrl: options.legacyUrl ?? this.legacy.url,
      userUrl: options.userUrl ?? this.user.url,
      config: {
        jwt: { secret: SECRET },
        tickets: { secret: TICKET_SECRET },
        ...options.config,
        shadow: { closeGraceMs: 2000, ...options.shadow },
      },
      ...(options.guardClock === undefined ? {} : { guardClock: options.guardClock }),
    });
    this.proxies.push(proxy);
    if (options.rollout !== undefined)
      await proxy.admin('PUT', '/admin/rollout', { percent: options.rollout });
    await proxy.admin('PUT', '/admin/shadow', { percent: options.shadowPercent ?? 100 });
    return proxy;
  }

  /** Opens a client socket to the proxy signed in as `userId`, once its welcome frame is in. */
  async connect(userId: string, proxy: ProxyUnderTest = this.proxy): Promise<TestClient> {
    const jwt = await token(userId);
    return this.connectWith(`/ws`, { authorization: `Bearer ${jwt}` }, proxy);
  }

  async connectWith(path: string, headers: Record<string, string>, proxy = this.proxy): Promise<TestClient> {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}${path}`, { headers });
    ws.on('error', () => undefined);
    this.sockets.push(ws);
    ws.once('close', () => this.sockets.splice(this.sockets.indexOf(ws), 1));
    const client = new TestClient(ws);
    await client.waitFor(
      (f) => f.type === 'system_message' || f.type === 'connect' || f.type === 'error_message',
    );
    return client;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets.splice(0)) ws.terminate();
    for (const proxy of this.proxies.splice(0)) await proxy.stop();
    await this.h.close();
  }
}

/** The sum of a counter's or gauge's series whose labels include `labels`. */
export async function metric(
  proxy: ProxyUnderTest,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const found = proxy.app.registry.getSingleMetric(name);
  if (found === undefined) throw new Error(`no metric ${name}`);
  const { values } = await found.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Waits until a metric reaches `value` (or more); returns it. */
export async function untilMetric(
  proxy: ProxyUnderTest,
  name: string,
  labels: Record<string, string>,
  value = 1,
  timeoutMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await metric(proxy, name, labels);
    if (now >= value) return now;
    if (Date.now() > deadline) throw new Error(`${name}${JSON.stringify(labels)} is ${now}, not ${value}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every comparison result counted so far. */
export async function comparisons(proxy: ProxyUnderTest): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const result of ['match', 'mismatch', 'incomplete', 'isolation']) {
    out[result] = await metric(proxy, 'switchyard_shadow_comparisons_total', { result });
  }
  return out;
}

export async function dropped(proxy: ProxyUnderTest): Promise<Record<string, number>> {
  const found = proxy.app.registry.getSingleMetric('switchyard_shadow_dropped_total');
  const { values } = await found!.get();
  return Object.fromEntries(values.filter((v) => v.value > 0).map((v) => [String(v.labels.reason), v.value]));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
