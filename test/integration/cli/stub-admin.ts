import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in admin API for the views other parts add later (summary, guard, divergences), with
 * the shapes of ARCHITECTURE.md. `offers: false` answers 404 for them, as today's proxy does.
 */
export interface StubAdmin {
  url: string;
  offers: boolean;
  requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export const STATE = {
  stage: 'canary',
  rollout: { percent: 10, flag: 'switchyard-rollout' },
  shadow: { percent: 50, flag: 'switchyard-shadow' },
  rollback: { engaged: false, trigger: null, reason: null, at: null },
  overrides: { count: 0, users: [] },
  flagSource: {
    kind: 'unleash',
    ready: true,
    up: false,
    lastSync: '2025-01-01T00:00:00.000Z',
    problem: 'unleash unreachable',
  },
};

export const SUMMARY = {
  windowSeconds: 60,
  legacy: { requests: 900, errors: 9, p95Ms: 120.4, sessions: 30, violations: 2 },
  user: { requests: 100, errors: 3, p95Ms: 140, sessions: 10, violations: 0 },
  comparisons: { match: 45, mismatch: 5, incomplete: 2, isolation: 1 },
};

export const GUARD = {
  mode: 'enforce',
  windowSeconds: 60,
  scope: 'fleet',
  judge: true,
  instances: 3,
  fallback: null,
  gates: [
    {
      name: 'error_rate',
      limit: 1,
      value: 2,
      samples: { legacy: 900, user: 100 },
      users: 7,
      verdict: 'breach',
      reason: 'error rate +2.0 points over legacy',
    },
    {
      name: 'latency',
      limit: 1.1,
      value: 1.16,
      samples: { legacy: 900, user: 100 },
      users: 3,
      verdict: 'insufficient',
      reason: null,
    },
    {
      name: 'mismatch_rate',
      limit: 0.05,
      value: 0.1,
      samples: { legacy: 0, user: 50 },
      users: 4,
      verdict: 'ok',
      reason: null,
    },
    {
      name: 'isolation',
      limit: 0,
      value: 0,
      samples: { legacy: 30, user: 10 },
      users: 0,
      verdict: 'ok',
      reason: null,
    },
  ],
  lastTrip: null,
};

export const DIVERGENCES = {
  items: [
    {
      id: 'd-2',
      at: '2025-01-01T00:00:02.000Z',
      result: 'mismatch',
      kinds: ['tool', 'order'],
      session: 's-9f2',
      control: {
        engine: 'legacy',
        events: [
          { type: 'agent_started' },
          { type: 'tool_call', tool: 'search' },
          { type: 'agent_completed', status: 'completed' },
        ],
      },
      candidate: {
        engine: 'user',
        events: [
          { type: 'agent_started' },
          { type: 'tool_call', tool: 'browse' },
          { type: 'agent_completed', status: 'completed' },
        ],
      },
    },
    {
      id: 'd-1',
      at: '2025-01-01T00:00:01.000Z',
      result: 'mismatch',
      kinds: ['status'],
      route: 'get_thread',
      control: { engine: 'legacy', events: [], status: 200 },
      candidate: { engine: 'user', events: [], status: 500 },
    },
  ],
};

const VIEWS: Record<string, unknown> = {
  '/admin/summary': SUMMARY,
  '/admin/guard': GUARD,
  '/admin/divergences': DIVERGENCES,
};

export async function startStubAdmin(): Promise<StubAdmin> {
  const stub: StubAdmin = { url: '', offers: true, requests: [], close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    stub.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const body = path === '/admin/state' ? STATE : stub.offers ? VIEWS[path] : undefined;
    res.setHeader('content-type', 'application/json');
    if (body === undefined) {
      res.statusCode = 404;
      res.end(
        JSON.stringify({ error: { code: 'not_found', message: `no admin route ${req.method} ${path}` } }),
      );
    } else {
      res.end(JSON.stringify(body));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub;
}
