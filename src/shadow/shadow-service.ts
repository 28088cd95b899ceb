import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { DivergenceBuilder, type Divergence, type DivergenceSource } from '../compare/index.js';
import type { RouteSpec } from '../config/routes.js';
import type { Config } from '../config/schema.js';
import { OwnershipIndex } from '../isolation/ownership.js';
import type { IdHasher } from '../log/hash-id.js';
import type { Metrics } from '../metrics/catalog.js';
import type { RequestContext } from '../proxy/request-context.js';
import { HttpShadowing } from './http-shadowing.js';
import { ShadowResults, type Books, type ComparisonHook } from './results.js';
import { Slots } from './slots.js';
import { SweepClock } from './sweep-clock.js';
import { createWsObserve, type IsolationHook, type Observe } from './ws-observe.js';
import type { WsShadow } from './ws-shadow.js';

export interface ShadowServiceDeps {
  config: Config;
  metrics: Metrics;
  log: Logger;
  /** The JWT seen when a ticket was issued, by the original ticket id (server.ts: `ticketJwts`). */
  jwtForTicket: (ticketId: string) => string | undefined;
  /**
   * Every comparison result, its user and kinds, and for a baseline comparison its engine: the
   * guard's `recordComparison` (it feeds `/admin/summary`).
   */
  onComparison?: ComparisonHook;
  /** A leak into a shadow or baseline socket (counted, never delivered): the guard's `recordIsolation`. */
  onIsolation?: IsolationHook;
  /** Every stored divergence, either book (its `source` says which): the durable store. */
  onStored?: (divergence: Divergence) => void;
  /** Keyed hash of user, run and thread ids in stored divergences and session labels. */
  hashId: IdHasher;
  /** For the mismatch log sampling; tests pass their own. */
  random?: () => number;
}

export interface ShadowService {
  /** `createWsGateway({observe})`. */
  readonly observe: Observe;
  /** `createTrafficHandler({onShadowForward})`: before the primary of a shadowed, shadow-safe request. */
  readonly onHttpForward: (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    route: RouteSpec,
  ) => void;
  /** `createTrafficHandler({onFinished})`. */
  readonly onHttpFinished: (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    route: RouteSpec,
    userId: string | null,
  ) => void;
  /** Shadow work in flight: WebSocket sessions and HTTP requests. */
  inflight(): { ws: number; http: number };
  /** Ends every shadow (runs in flight judged incomplete) and frees its sockets. */
  close(): void;
}

/**
 * Shadow mode, put together: the caps (sessions, HTTP in flight), the one sweep timer, the
 * divergence records for the durable store (ids hashed, text redacted), the results' metrics and sampled logs, and the
 * hooks the gateway, the traffic handler and the admin router take. Shadow work is shed before
 * the primary's ever is: nothing here can delay, block or close a client's exchange.
 */
export function createShadowService(deps: ShadowServiceDeps): ShadowService {
  const { config, metrics } = deps;
  const settings = config.shadow;
  const log = deps.log.child({ part: 'shadow' });
  const book = (source: DivergenceSource) => {
    const divergences = new DivergenceBuilder({
      hash: deps.hashId,
      redactText: settings.redactText,
      source,
    });
    const results = new ShadowResults({
      metrics,
      divergences,
      log,
      logSampleRate: settings.logSampleRate,
      source,
      ...(deps.onComparison === undefined ? {} : { onComparison: deps.onComparison }),
      ...(deps.onStored === undefined ? {} : { onStored: deps.onStored }),
      ...(deps.random === undefined ? {} : { random: deps.random }),
    });
    return { results };
  };
  // Separate books: baseline results never mix with cross-engine ones.
  const cross = book('cross');
  const baseline = book('baseline');
  const books: Books = { cross: cross.results, baseline: baseline.results };
  const clock = new SweepClock(sweepIntervalMs(settings), (error) =>
    log.error({ err: (error as Error).message }, 'shadow sweep failed'),
  );
  const live = new Set<WsShadow>();
  const wsSlots = new Slots(settings.maxSessions, metrics.shadowInflight.labels('ws'));
  const httpSlots = new Slots(settings.maxInflightHttp, metrics.shadowInflight.labels('http'));
  const http = new HttpShadowing({ config, books, slots: httpSlots, log });
  const observe = createWsObserve({
    config,
    metrics,
    log,
    books,
    slots: wsSlots,
    clock,
    ownership: new OwnershipIndex(),
    jwtForTicket: deps.jwtForTicket,
    live,
    hashId: deps.hashId,
    onIsolation: deps.onIsolation,
  });

  /** The traffic hooks run on the live path: a shadow bug is logged, never thrown into it. */
  const guarded = (hook: () => void): void => {
    try {
      hook();
    } catch (error) {
      log.error({ err: (error as Error).message }, 'http shadow hook failed');
    }
  };

  return {
    observe,
    onHttpForward: (req, res, ctx, route) => guarded(() => http.onForward(req, res, ctx, route)),
    onHttpFinished: (req, res, ctx, route, userId) =>
      guarded(() => http.onFinished(req, res, ctx, route, userId)),
    inflight: () => ({ ws: wsSlots.inUse, http: httpSlots.inUse }),
    close() {
      for (const shadow of [...live]) shadow.stop();
      clock.stop();
      http.close();
    },
  };
}

/** Fine enough for the shortest deadline the sweep enforces, never busier than every 20 ms. */
function sweepIntervalMs(s: Config['shadow']): number {
  const deadlines = [1000, s.connectTimeoutMs / 5, s.runTimeoutMs / 10];
  if (s.closeGraceMs > 0) deadlines.push(s.closeGraceMs / 5);
  return Math.max(20, Math.floor(Math.min(...deadlines)));
}
