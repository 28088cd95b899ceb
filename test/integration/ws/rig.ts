import WebSocket from 'ws';
import type { EngineFaults, EngineOptions, RunningEngine } from '../../../engines/index.js';
import { bucket } from '../../../src/routing/bucket.js';
import { startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { Harness, SECRET, TestClient, token } from '../engines/helpers.js';

export const TICKET_SECRET = 'ticket-secret-for-tests-0123456789abcdef';

export interface RigOptions {
  /** `websocket:` config and any other config section. */
  config?: Record<string, unknown>;
  legacy?: { faults?: EngineFaults; extra?: Partial<EngineOptions> };
  user?: { faults?: EngineFaults; extra?: Partial<EngineOptions> };
  /** Put another server (a scripted engine) in place of a reference engine. */
  legacyUrl?: string;
  userUrl?: string;
}

/** Two reference engines (or stand-ins), the real proxy in front, and clients that are closed after the test. */
export interface Rig {
  h: Harness;
  legacy: RunningEngine;
  user: RunningEngine;
  proxy: ProxyUnderTest;
  wsUrl: string;
  open(path?: string, protocols?: string[], headers?: Record<string, string>): TestClient;
  /** Opens as `userId` (Authorization header) and waits for the first frame. */
  connectAs(userId: string, path?: string): Promise<TestClient>;
  metric(name: string, labels: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const h = new Harness();
  const legacy = await h.engine('legacy', options.legacy?.faults, options.legacy?.extra);
  const user = await h.engine('user', options.user?.faults, options.user?.extra);
  const proxy = await startProxy({
    legacyUrl: options.legacyUrl ?? legacy.url,
    userUrl: options.userUrl ?? user.url,
    config: {
      jwt: { secret: SECRET },
      tickets: { secret: TICKET_SECRET },
      ...options.config,
      // Engine-failure closes are immediate here; ws/min-session.test.ts checks the default delay.
      websocket: { minSessionMs: 0, ...(options.config?.websocket as Record<string, unknown> | undefined) },
    },
  });
  const sockets: WebSocket[] = [];
  const wsUrl = proxy.url.replace('http', 'ws');
  const open: Rig['open'] = (path = '/ws', protocols = [], headers = {}) => {
    const ws = new WebSocket(`${wsUrl}${path}`, protocols, { headers });
    ws.on('error', () => undefined);
    sockets.push(ws);
    return new TestClient(ws);
  };
  return {
    h,
    legacy,
    user,
    proxy,
    wsUrl,
    open,
    async connectAs(userId, path = '/ws') {
      const client = open(path, [], { authorization: `Bearer ${await token(userId)}` });
      await client.waitFor(() => true);
      return client;
    },
    async metric(name, labels) {
      const text = await (await fetch(`${proxy.opsUrl}/metrics`)).text();
      const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
      return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    async stop() {
      for (const ws of sockets.splice(0)) ws.terminate();
      await proxy.stop();
      await h.close();
    },
  };
}

/** A user id inside (or outside) the rollout at `percent`. */
export function userIn(percent: number, inside: boolean, prefix = 'ws'): string {
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    if (bucket('switchyard-rollout', id) <= percent === inside) return id;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
