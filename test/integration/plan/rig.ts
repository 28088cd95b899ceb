import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { signToken } from '../../support/tokens.js';
import { until } from '../../support/until.js';
import { startJsonStub, type JsonStub, type StubAnswer } from '../shadow/json-stub.js';
import { createTicketStore, startEngine, type RunningEngine } from '../../../engines/index.js';
import { SECRET } from '../engines/helpers.js';

/** A thread as a healthy engine answers it (the same on both engines: comparisons match). */
export const thread = (url: string): StubAnswer => ({ body: { id: url.split('/').pop(), title: 'Costs' } });

export const PLAN = { steps: [10, 50, 100], minStepSeconds: 60, minComparisons: 30, minUsers: 5 };

/**
 * Guard limits small enough for a test's traffic; a window no test outlives; a latency gate that
 * a busy machine's jitter cannot trip (latency is not what these tests are about).
 */
const CONFIG = {
  guard: {
    mode: 'enforce',
    windowSeconds: 600,
    minRequests: 20,
    minUsers: 5,
    minComparisons: 20,
    minP95DeltaMs: 5000,
  },
  shadow: { logSampleRate: 0 },
};

/**
 * Two JSON engines (or, with `reference`, the reference engines, which speak WebSocket), a
 * proxy on a store directory of its own, and the plan's manual clock.
 */
export class PlanRig {
  proxy!: ProxyUnderTest;
  legacy!: JsonStub;
  user!: JsonStub;
  engines: { legacy: RunningEngine; user: RunningEngine } | null = null;
  dir!: string;
  readonly clock = new ManualClock(Date.parse('2026-12-07T10:00:00Z'));
  private readonly tokens = new Map<string, string>();

  /** Whether the proxy drives the plan; a test may flip it (the fleet's judge moving). */
  driving = true;

  constructor(private readonly reference = false) {}

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'switchyard-plan-'));
    this.legacy = await startJsonStub((req) => thread(req.url));
    this.user = await startJsonStub((req) => thread(req.url));
    if (this.reference) {
      const tickets = createTicketStore();
      this.engines = {
        legacy: await startEngine({ kind: 'legacy', jwtSecret: SECRET, tickets }),
        user: await startEngine({ kind: 'user', jwtSecret: SECRET, tickets }),
      };
    }
    await this.restart();
  }

  async token(userId: string): Promise<string> {
    let jwt = this.tokens.get(userId);
    if (jwt === undefined) {
      jwt = await signToken(userId, this.reference ? { secret: SECRET } : {});
      this.tokens.set(userId, jwt);
    }
    return jwt;
  }

  /** A new proxy on the same store and flag file (a restart of the driving replica). */
  async restart(): Promise<void> {
    this.proxy = await startProxy({
      legacyUrl: this.engines?.legacy.url ?? this.legacy.url,
      userUrl: this.engines?.user.url ?? this.user.url,
      dir: this.dir,
      config: this.reference ? { ...CONFIG, jwt: { secret: SECRET } } : CONFIG,
      planClock: this.clock,
      isPlanDriver: () => this.driving,
    });
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await Promise.all([this.legacy.close(), this.user.close()]);
    if (this.engines !== null) await Promise.all([this.engines.legacy.close(), this.engines.user.close()]);
    await rm(this.dir, { recursive: true, force: true });
  }

  plan = async () => (await this.proxy.admin('GET', '/admin/plan')).body;

  /** Users the rollout sends to `engine` now. */
  usersOn(engine: 'legacy' | 'user', count: number, prefix = 'plan-user'): string[] {
    const found: string[] = [];
    for (let i = 0; found.length < count && i < 100_000; i++) {
      const id = `${prefix}-${i}`;
      if (this.proxy.app.switchboard.decide(id).serve === engine) found.push(id);
    }
    return found;
  }

  async request(userId: string): Promise<{ status: number; engine: string | null }> {
    const jwt = await this.token(userId);
    const res = await fetch(`${this.proxy.url}/api/threads/t-1`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    await res.arrayBuffer();
    return { status: res.status, engine: res.headers.get('x-switchyard-engine') };
  }

  /**
   * Traffic as the rollout splits it: `perEngine` requests on each engine that serves anyone,
   * rotating over 10 users per engine, then waits until the guard has judged their comparisons.
   */
  async traffic(perEngine = 30): Promise<void> {
    const percent = this.proxy.app.switchboard.flags()?.rollout.percent ?? 0;
    const engines = (['legacy', 'user'] as const).filter((e) => (e === 'user' ? percent > 0 : percent < 100));
    const before = this.proxy.app.guard.evidence().comparisons;
    let sent = 0;
    for (const engine of engines) {
      const users = this.usersOn(engine, 10);
      for (let i = 0; i < perEngine; i++, sent++) await this.request(users[i % users.length]!);
    }
    await until(() => this.proxy.app.guard.evidence().comparisons >= before + sent, 20_000, 'comparisons');
  }

  /** The audit trail once `ready` holds for it (the store writes it off the request path). */
  async auditWhen(ready: (items: any[]) => boolean): Promise<any[]> {
    let items: any[] = [];
    const deadline = Date.now() + 10_000;
    for (;;) {
      items = (await this.proxy.admin('GET', '/admin/audit?limit=100')).body.items;
      if (ready(items) || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Moves the plan's clock on by `seconds` and lets the driver look. */
  async advance(seconds: number): Promise<any> {
    this.clock.advance(seconds * 1000);
    await this.proxy.app.plan.tick();
    return this.plan();
  }
}
