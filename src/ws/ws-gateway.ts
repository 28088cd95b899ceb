import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config/schema.js';
import type { RolloutControl } from '../control/rollout-control.js';
import { OwnershipIndex } from '../guard/isolation/ownership.js';
import { SessionGuard } from '../guard/isolation/session-guard.js';
import type { TokenVerifier } from '../identity/verifier.js';
import { hashId } from '../log/hash-id.js';
import type { Metrics } from '../metrics/catalog.js';
import type { Assignment, Engine } from '../routing/types.js';
import { chooseSubprotocol, handshakeCredential } from './credential.js';
import { errorFrame } from './error-frame.js';
import { resolveIdentity, type HandshakeIdentity } from './handshake-identity.js';
import { startLivenessSweeper } from './liveness.js';
import { RelaySession } from './relay-session.js';
import type { SessionObserver } from './session-observer.js';
import { SessionRegistry } from './session-registry.js';
import { upstreamWsUrl } from './upstream-url.js';

export interface GatewayDeps {
  config: Config;
  ticketSecret: string;
  verifier: TokenVerifier;
  control: RolloutControl;
  metrics: Metrics;
  log: Logger;
  stripHeaders: (headers: IncomingMessage['headers']) => number;
  /** Builds a passive observer (the shadow) for a session, or null. */
  observe?: (
    session: RelaySession,
    ctx: { userId: string; jwt: string | null; assignment: Assignment; path: string; query: URLSearchParams },
  ) => SessionObserver | null;
  onViolation?: (engine: Engine, evidence: 'user_id' | 'ownership', userHash: string) => void;
  /** A session ended; failed when its engine refused it, or closed with 1011 or dropped. */
  onSessionEnded?: (engine: Engine, failed: boolean, userId: string) => void;
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
  const ownership = new OwnershipIndex();
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
    deps.stripHeaders(req.headers);
    const credential = handshakeCredential(req, url.searchParams);
    const identity = await resolveIdentity(
      credential,
      deps.verifier,
      deps.ticketSecret,
      ws.handshakeTimeoutMs,
    );
    if (socket.destroyed) return;
    if (!identity.ok) return refuse(req, socket, head, identity);
    const query = new URLSearchParams(url.searchParams);
    if (identity.ticketId !== null) query.set('ticket', identity.ticketId);
    const assignment = deps.control.decide(identity.userId);
    metrics.decisions.labels(assignment.serve, assignment.reason).inc();
    const headers: Record<string, string> = { 'x-forwarded-for': req.socket.remoteAddress ?? '' };
    if (identity.jwt !== null) headers.authorization = `Bearer ${identity.jwt}`;
    const requestId = req.headers['x-request-id'];
    if (typeof requestId === 'string') headers['x-request-id'] = requestId;
    const userHash = hashId(identity.userId);

    wss.handleUpgrade(req, socket, head, (client: WebSocket) => {
      metrics.requests.labels(assignment.serve, 'ws', 'websocket', '1xx').inc();
      const session = new RelaySession({
        client,
        engine: assignment.serve,
        assignment,
        upstreamUrl: upstreamWsUrl(config.engines[assignment.serve].url, url.pathname, query),
        upstreamHeaders: headers,
        userId: identity.userId,
        userHash,
        guard: ws.isolation === 'off' ? null : new SessionGuard(identity.userId, ownership),
        limits: ws,
        metrics,
        log: sessionLog,
        onUpstreamFailure: (s) => {
          if (!ws.fallbackToLegacy || s.engine !== 'user') return false;
          metrics.decisions.labels('legacy', 'fallback').inc();
          s.retarget('legacy', upstreamWsUrl(config.engines.legacy.url, url.pathname, query));
          return true;
        },
        onViolation: (engine, evidence) => deps.onViolation?.(engine, evidence, userHash),
        onEnded: (engine, failed) => deps.onSessionEnded?.(engine, failed, identity.userId),
      });
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

  return {
    registry,
    ownership,
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
