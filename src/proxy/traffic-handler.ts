import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RouteSpec } from '../config/routes.js';
import type { Switchboard } from '../switchboard/switchboard.js';
import { bearerToken } from '../identity/bearer.js';
import { bodyUserIdCheck, queryUserIdMismatch } from '../identity/user-id-check.js';
import type { TokenVerifier } from '../identity/verifier.js';
import type { AuthFailure, Metrics } from '../metrics/catalog.js';
import { createRequestLine } from '../log/request-line.js';
import { HotPathMetrics } from '../metrics/hot-path.js';
import type { Engine } from '../routing/types.js';
import type { HttpTracing } from '../tracing/http-trace.js';
import type { Forwarder } from './http-forwarder.js';
import { setResponseMarks } from './engine-headers.js';
import { sendJsonError } from './json-error.js';
import { readBody } from './read-body.js';
import type { RequestContext, RoutedRequest } from './request-context.js';
import { parseRequestTarget } from './request-target.js';
import { OTHER_ROUTE, type RouteCatalogue } from './route-catalogue.js';
import { UserIdBodyGate, type Refusal } from './user-id-body-gate.js';

export interface TrafficDeps {
  catalogue: RouteCatalogue;
  verifier: TokenVerifier;
  switchboard: Switchboard;
  forwarders: Record<Engine, Forwarder>;
  stripHeaders: (headers: IncomingMessage['headers']) => number;
  metrics: Metrics;
  /** null: no per-request log line. */
  requestLog: Logger | null;
  allowAnonymous: boolean;
  /** Bodies declared up to this size are read, then checked; larger or chunked ones stream. */
  maxUserIdBodyBytes: number;
  /** `POST /api/websocket/ticket`: relayed with the ticket id wrapped (ticket-relay.ts). */
  ticketRelay?: (
    req: RoutedRequest,
    res: ServerResponse,
    engine: Engine,
    userId: string,
    jwt: string,
  ) => void;
  /** Called after the primary response has finished (shadowing, guard samples). */
  onFinished?: (
    req: RoutedRequest,
    res: ServerResponse,
    ctx: RequestContext,
    route: RouteSpec,
    userId: string | null,
  ) => void;
  /** Called before forwarding a shadowed request on a shadow-safe route (the shadow captures it). */
  onShadowForward?: (req: RoutedRequest, res: ServerResponse, ctx: RequestContext, route: RouteSpec) => void;
  /** Spans per request; null when tracing is off. */
  tracing?: HttpTracing | null;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const REFUSALS = {
  mismatch: { status: 403, reason: 'user_id_mismatch', message: 'user_id does not match the token' },
  malformed: { status: 400, reason: 'bad_body', message: 'the request body is not valid JSON' },
} as const;

/** A body known (by its length) to be small enough to read before forwarding; others stream. */
function knownSmall(req: IncomingMessage, limit: number): boolean {
  const length = req.headers['content-length'];
  return length !== undefined && req.headers['transfer-encoding'] === undefined && Number(length) <= limit;
}
export const TICKET_PATH = '/api/websocket/ticket';

/**
 * The traffic listener's request handler, in order: the target as the engine will read it,
 * route, header hygiene, identity, spoofed user ids, decision, forward. A bare node:http handler: express's router costs ~100 µs of CPU
 * per request, which this path cannot afford.
 */
export function createTrafficHandler(deps: TrafficDeps) {
  const { catalogue, verifier, switchboard, forwarders, metrics } = deps;
  const hot = new HotPathMetrics(metrics);
  const requestLine = deps.requestLog === null ? null : createRequestLine(deps.requestLog);
  const tracing = deps.tracing ?? null;

  const refuse = (
    res: ServerResponse,
    route: RouteSpec,
    status: number,
    reason: AuthFailure,
    message: string,
  ): void => {
    metrics.authFailures.labels('http', reason).inc();
    sendJsonError(res, status, reason, message);
    deps.requestLog?.info({ route: route.name, status, refused: reason }, 'request refused');
  };

  const refuseBody = (res: ServerResponse, route: RouteSpec, why: Refusal): void => {
    const { status, reason, message } = REFUSALS[why];
    refuse(res, route, status, reason, message);
  };

  return async function handle(req: RoutedRequest, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const target = parseRequestTarget(req.url ?? '/');
    if (!target.ok) return refuse(res, OTHER_ROUTE, 400, 'bad_target', target.reason);
    req.url = target.forward;
    const { match: path, search } = target;
    const route = catalogue.match(req.method ?? 'GET', path);
    const trace = tracing === null ? undefined : tracing.start(req, res, route);
    deps.stripHeaders(req.headers);

    const token = bearerToken(req.headers.authorization);
    let userId: string | null = null;
    if (token === null) {
      if (!deps.allowAnonymous) return refuse(res, route, 401, 'missing', 'a bearer token is required');
    } else {
      userId = verifier.cached(token) ?? null;
      if (userId === null) {
        const verified = await verifier.verify(token);
        if (!verified.ok) return refuse(res, route, 401, verified.reason, 'the bearer token is not valid');
        userId = verified.userId;
      }
    }

    let body: Buffer | null = null;
    let streamed = false;
    if (userId !== null && route.userIdIn !== 'none') {
      if (route.userIdIn !== 'body' && queryUserIdMismatch(search, userId)) {
        return refuse(res, route, 403, 'user_id_mismatch', 'user_id does not match the token');
      }
      if (route.userIdIn.includes('body') && BODY_METHODS.has(req.method ?? '')) {
        if (!knownSmall(req, deps.maxUserIdBodyBytes)) streamed = true;
        else {
          try {
            body = await readBody(req, deps.maxUserIdBodyBytes);
          } catch {
            return refuse(res, route, 400, 'bad_body', 'the request body could not be read');
          }
          const check = bodyUserIdCheck(body, userId);
          if (check !== 'ok') return refuseBody(res, route, check);
        }
      }
    }

    const assignment = switchboard.decide(userId);
    const engine = assignment.serve;
    hot.decision(engine, assignment.reason);
    const headerId = req.headers['x-request-id'];
    const requestId = typeof headerId === 'string' && headerId.length <= 128 ? headerId : randomUUID();
    req.headers['x-request-id'] = requestId;
    const ctx: RequestContext = {
      engine,
      assignment,
      routeName: route.name,
      startedAt,
      requestId,
      timedOut: false,
      retried: false,
      body,
    };
    if (trace !== undefined) {
      trace.decided(assignment, userId);
      ctx.trace = trace;
    }
    if (streamed && userId !== null) {
      ctx.bodySource = new UserIdBodyGate(userId, (why) => {
        ctx.bodyRefused = true;
        ctx.engineRequest?.abort(new Error('body refused'));
        setResponseMarks(res, engine, requestId);
        refuseBody(res, route, why);
      });
    }
    req.switchyard = ctx;
    // The marks (x-switchyard-engine, x-request-id) go with the engine's headers in the
    // forwarder's one writeHead; the proxy's own answers set them (setResponseMarks).
    res.once('finish', () => {
      const seconds = (performance.now() - startedAt) / 1000;
      hot.request(engine, 'http', route.name, res.statusCode, seconds);
      requestLine?.({
        reqId: requestId,
        method: req.method ?? 'GET',
        route: route.name,
        status: res.statusCode,
        engine,
        reason: assignment.reason,
        ms: Math.round(seconds * 10_000) / 10,
      });
      if (ctx.bodyRefused !== true) deps.onFinished?.(req, res, ctx, route, userId);
    });
    if (
      deps.ticketRelay !== undefined &&
      token !== null &&
      userId !== null &&
      path === TICKET_PATH &&
      req.method === 'POST'
    ) {
      setResponseMarks(res, engine, requestId);
      deps.ticketRelay(req, res, engine, userId, token);
      return;
    }
    if (assignment.shadow !== 'none' && route.shadowSafe) deps.onShadowForward?.(req, res, ctx, route);
    if (ctx.bodySource !== undefined) req.pipe(ctx.bodySource);
    forwarders[engine].forward(req, res);
  };
}
