import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config/schema.js';
import type { Switchboard } from '../switchboard/switchboard.js';
import { KnownUsers } from '../isolation/known-users.js';
import { OwnershipIndex } from '../isolation/ownership.js';
import { SessionIsolation } from '../isolation/session-isolation.js';
import type { TokenVerifier } from '../identity/verifier.js';
import type { Metrics } from '../metrics/catalog.js';
import type { Assignment, Engine } from '../routing/types.js';
import { ATTR, EVENT } from '../tracing/attributes.js';
import type { WsTracing } from '../tracing/ws-trace.js';
import { chooseSubprotocol, handshakeCredential } from './credential.js';
import { errorFrame } from './error-frame.js';
import { resolveIdentity, type HandshakeIdentity } from './handshake-identity.js';
import { startLivenessSweeper } from './liveness.js';
import { RelaySession } from './relay-session.js';
import type { SessionObserver } from './session-observer.js';
import { SessionRegistry } from './session-registry.js';
import { upstreamWsUrl } from './upstream-url.js';
import { wsQueryUserIdMismatch } from './query-user-id.js';

export interface GatewayDeps {
  config: Config;
  ticketSecret: string;
  verifier: TokenVerifier;
  switchboard: Switchboard;
  metrics: Metrics;
  log: Logger;
  stripHeaders: (headers: IncomingMessage['headers']) => number;
  /** Builds a passive observer (the shadow) for a session, or null. */
  observe?: (
    session: RelaySession,
    ctx: { userId: string; jwt: string | null; assignment: Assignment; path: string; query: URLSearchParams },
  ) => SessionObserver | null;
  /** Hashes ids for logs (keyed by the server). */
  hashId: (id: string) => string;
  /** Users signed in here now or recently; shared with the HTTP path, which touches it too. */
  knownUsers?: KnownUsers;
  /**
   * An engine frame was blocked (or reported). `user_id` evidence only when it named another user
   * known to this instance; `sessionId` is unique per session.
   */
  onViolation?: (
    engine: Engine,
    evidence: 'user_id' | 'ownership',
    userHash: string,
    sessionId: string,
  ) => void;
  /** A session ended; failed when its engine refused it, or closed with 1011 or dropped. */
  onSessionEnded?: (engine: Engine, failed: boolean, userId: string) => void;
  /** Handshake and run spans; null when tracing is off. */
  tracing?: WsTracing | null;
}

/**
 * The traffic listener's `upgrade` handler: authenticate during the handshake, decide once,
 * accept the client's socket and relay it to the serving engine.
 */
export function createWsGateway(deps: GatewayDeps) {
  const { config, metrics, log } = deps;
  const ws = config.websocket;
  const paths = new Set(ws.paths);
  const echo = ws.echoProtocols;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: ws.maxPayloadBytes,
    perMessageDeflate: false,
    handleProtocols: (offered) => chooseSubprotocol(offered, echo),
  });
  const ownership = new OwnershipIndex({ lingerMs: ws.claimLingerMs });
  const knownUsers = deps.knownUsers ?? new KnownUsers();
  let sessions = 0;
  const registry = new SessionRegistry();
  const sessionLog = log.child({ part: 'ws' });

  const stopSweeper = startLivenessSweeper(() => registry.values(), ws, sessionLog);

  const refuse = (
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    identity: Exclude<HandshakeIdentity, { ok: true }>,
  ) => {
    metrics.authFailures
      .labels(
        'ws',
        identity.reason.startsWith('ticket')
          ? 'invalid'
          : identity.reason === 'timeout'
            ? 'invalid'
            : identity.reason,
      )
      .inc();
    if (ws.authFailure === 'http-401') {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"code":"unauthorized","message":"a valid token or ticket is required"}}',
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (client) => {
      client.send(errorFrame('AUTH_FAILED', 'authentication failed', ['Sign in again']), () =>
        client.close(1008, 'authentication failed'),
      );
    });
  };

  const handleUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://switchyard');
    if (!paths.has(url.pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const trace = deps.tracing?.handshake(req, url.pathname) ?? null;
    deps.stripHeaders(req.headers);
    const credential = handshakeCredential(req, url.searchParams);
    const identity = await resolveIdentity(
      credential,
      deps.verifier,
      deps.ticketSecret,
      ws.handshakeTimeoutMs,
    );
    if (socket.destroyed) return trace?.refused('client_closed');
    if (!identity.ok) {
      trace?.refused('auth_failed', ws.authFailure === 'http-401' ? 401 : 101);
      return refuse(req, socket, head, identity);
    }
    if (wsQueryUserIdMismatch(url.search, identity.userId)) {
      trace?.refused('user_id_mismatch', 101);
      return refuseUserId(req, socket, head);
    }
    const query = engineQuery(url.searchParams, identity.ticketId);
    const assignment = deps.switchboard.decide(identity.userId);
    metrics.decisions.labels(assignment.serve, assignment.reason).inc();
    const headers: Record<string, string> = { 'x-forwarded-for': forwardedFor(req) };
    if (identity.jwt !== null) headers.authorization = `Bearer ${identity.jwt}`;
    const requestId = req.headers['x-request-id'];
    if (typeof requestId === 'string') headers['x-request-id'] = requestId;
    const userHash = deps.hashId(identity.userId);
    const sessionId = `${userHash}.${(sessions++).toString(36)}`;
    if (trace !== null) {
      trace.decided(assignment, userHash, sessionId);
      trace.inject(headers);
    }

    wss.handleUpgrade(req, socket, head, (client: WebSocket) => {
      metrics.requests.labels(assignment.serve, 'ws', 'websocket', '1xx').inc();
      const leave = knownUsers.enter(identity.userId);
      client.once('close', leave);
      const guardOptions = { knownUsers, allowEngineRuns: ws.allowEngineInitiatedRuns };
      const session = new RelaySession({
        client,
        clientSocket: socket,
        engine: assignment.serve,
        assignment,
        upstreamUrl: upstreamWsUrl(config.engines[assignment.serve].url, url.pathname, query),
        upstreamHeaders: headers,
        userHash,
        guard: ws.isolation === 'off' ? null : new SessionIsolation(identity.userId, ownership, guardOptions),
        limits: ws,
        metrics,
        log: sessionLog,
        onUpstreamFailure: (s) => {
          if (!ws.fallbackToLegacy || s.engine !== 'user') return false;
          metrics.decisions.labels('legacy', 'fallback').inc();
          s.retarget('legacy', upstreamWsUrl(config.engines.legacy.url, url.pathname, query));
          return true;
        },
        onViolation: (engine, evidence) => {
          session.trace?.event(EVENT.isolationBlock, {
            [ATTR.engine]: engine,
            [ATTR.evidence]: evidence,
            [ATTR.action]: ws.isolation === 'report' ? 'report' : 'block',
          });
          deps.onViolation?.(engine, evidence, userHash, sessionId);
        },
        onEnded: (engine, failed) => deps.onSessionEnded?.(engine, failed, identity.userId),
      });
      if (trace !== null) session.trace = trace.accepted();
      registry.add(session);
      client.once('close', () => registry.delete(session));
      session.observer =
        deps.observe?.(session, {
          userId: identity.userId,
          jwt: identity.jwt,
          assignment,
          path: url.pathname,
          query,
        }) ?? null;
    });
  };

  /** A `user_id` in the handshake query that is not the token's user: as the backend refuses auth. */
  const refuseUserId = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    metrics.authFailures.labels('ws', 'user_id_mismatch').inc();
    wss.handleUpgrade(req, socket, head, (client) => {
      const text = 'the user_id in the address is not the signed-in user';
      client.send(errorFrame('USER_ID_MISMATCH', text), () => client.close(1008, 'user_id mismatch'));
    });
  };

  return {
    registry,
    ownership,
    knownUsers,
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      handleUpgrade(req, socket, head).catch((err: unknown) => {
        log.error({ err: (err as Error).message }, 'websocket handshake failed');
        socket.destroy();
      });
    },
    /** SIGTERM: close every session with 1001 and stop the sweeper. */
    close(): void {
      stopSweeper();
      for (const s of registry.all()) s.close(1001, 'proxy shutting down');
      wss.close();
    },
  };
}

export type WsGateway = ReturnType<typeof createWsGateway>;

/**
 * The engine's query: the client's, without `token` (the engine gets the JWT in the Authorization
 * header) and with the original ticket id in place of the proxy's sealed tag.
 */
function engineQuery(client: URLSearchParams, ticketId: string | null): URLSearchParams {
  const query = new URLSearchParams(client);
  query.delete('token');
  query.delete('ticket');
  if (ticketId !== null) query.set('ticket', ticketId);
  return query;
}

/** `X-Forwarded-For` as on HTTP: the client's value, then the address the proxy saw. */
function forwardedFor(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  return prior === undefined ? addr : `${String(prior)}, ${addr}`;
}
