import { request, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Engine } from '../routing/types.js';
import { engineAddress } from '../tracing/engine-call.js';
import { engineHeaders } from './engine-headers.js';
import { wrapTicket } from '../identity/ticket-tag.js';
import { sendJsonError } from './json-error.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import type { RoutedRequest } from './request-context.js';
import { classifyUpstreamError } from './upstream-error.js';

export interface TicketRelayDeps {
  engines: Record<Engine, { url: string; agent: Agent }>;
  secret: string;
  maxResponseBytes: number;
  timeoutMs: number;
  /** `websocket.fallbackToLegacy`: a user engine that cannot issue a ticket hands over to legacy. */
  fallbackToLegacy: boolean;
  /** Remembers the JWT a ticket was issued for, so a shadow socket can sign in (bounded). */
  remember: (ticketId: string, jwt: string, expiresAtSeconds: number) => void;
  onUpstreamError: (engine: Engine, reason: string) => void;
  /** A ticket request went to legacy instead of the user engine. */
  onFallback?: () => void;
}

/** A ticket request's body is small (usually empty): held, so that a fallback can send it again. */
const MAX_REQUEST_BYTES = 16 * 1024;
/** What a client that could not get a ticket is told to wait before asking again. */
const RETRY_AFTER_SECONDS = '5';
/** Answers of an engine that is there but cannot serve (its load balancer's, typically). */
const UNAVAILABLE = new Set([502, 503, 504]);

/**
 * `POST /api/websocket/ticket`: forwarded to the serving engine like any route, but the answer's
 * `ticket_id` is wrapped in a signed tag that binds it to the user, so that the proxy can tell
 * whose ticket it is at `/ws?ticket=` without validating (consuming) it. The web client never
 * asks again after a failed ticket request, so a user engine that cannot issue one hands over
 * to legacy when fallback is on (tickets live in a store both engines share, PROTOCOL.md); an
 * engine that cannot be reached otherwise gets 503 with `Retry-After`, never a bare 502.
 */
export function createTicketRelay(deps: TicketRelayDeps) {
  const addresses = {
    legacy: engineAddress('legacy', deps.engines.legacy.url),
    user: engineAddress('user', deps.engines.user.url),
  };
  const issue = (
    req: RoutedRequest,
    res: ServerResponse,
    engine: Engine,
    body: Buffer,
    userId: string,
    jwt: string,
  ): void => {
    const mayFallBack = engine === 'user' && deps.fallbackToLegacy;
    const fallBack = (): void => {
      deps.onFallback?.();
      if (req.switchyard !== undefined) req.switchyard.engine = 'legacy';
      res.setHeader('x-switchyard-engine', 'legacy');
      issue(req, res, 'legacy', body, userId, jwt);
    };
    const headers = { ...engineHeaders(req.headers, req.socket), 'content-length': String(body.length) };
    const call = req.switchyard?.trace?.engineCall(addresses[engine]);
    call?.inject(headers);
    const upstream = request(
      `${deps.engines[engine].url.replace(/\/+$/, '')}${req.url ?? '/'}`,
      { method: req.method, headers, agent: deps.engines[engine].agent, timeout: deps.timeoutMs },
      (upRes) => {
        call?.answered(upRes);
        if (mayFallBack && UNAVAILABLE.has(upRes.statusCode ?? 0)) {
          upRes.resume();
          deps.onUpstreamError(engine, 'other');
          return fallBack();
        }
        relayAnswer(upRes, res, engine, userId, jwt, deps);
      },
    );
    upstream.on('timeout', () =>
      upstream.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      call?.failed(err.code ?? 'error');
      const { reason } = classifyUpstreamError(err.code, err.code === 'ETIMEDOUT');
      deps.onUpstreamError(engine, reason);
      if (mayFallBack && !res.headersSent) return fallBack();
      if (!res.headersSent) res.setHeader('retry-after', RETRY_AFTER_SECONDS);
      sendJsonError(res, 503, `upstream_${reason}`, `the ${engine} engine could not issue a ticket`);
    });
    upstream.end(body);
  };

  return (req: RoutedRequest, res: ServerResponse, engine: Engine, userId: string, jwt: string): void => {
    const held = req.switchyard?.body;
    if (held != null) return issue(req, res, engine, held, userId, jwt);
    readBody(req, MAX_REQUEST_BYTES).then(
      (body) => issue(req, res, engine, body, userId, jwt),
      (err: unknown) =>
        err instanceof BodyTooLargeError
          ? sendJsonError(res, 413, 'bad_body', `a ticket request body is at most ${MAX_REQUEST_BYTES} bytes`)
          : sendJsonError(res, 400, 'bad_body', 'the request body could not be read'),
    );
  };
}

function relayAnswer(
  upRes: IncomingMessage,
  res: ServerResponse,
  engine: Engine,
  userId: string,
  jwt: string,
  deps: TicketRelayDeps,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  upRes.on('data', (c: Buffer) => {
    size += c.length;
    if (size > deps.maxResponseBytes) {
      upRes.destroy();
      sendJsonError(res, 502, 'upstream_other', `the ${engine} engine's ticket answer is too large`);
      return;
    }
    chunks.push(c);
  });
  upRes.on('end', () => {
    if (res.headersSent) return;
    const status = upRes.statusCode ?? 502;
    const text = Buffer.concat(chunks).toString('utf8');
    let answer: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) answer = parsed as Record<string, unknown>;
    } catch {
      answer = null;
    }
    const ticketId = answer?.ticket_id;
    if (status >= 300 || answer === null || typeof ticketId !== 'string') {
      res.writeHead(status, { 'content-type': upRes.headers['content-type'] ?? 'application/json' });
      res.end(text);
      return;
    }
    const expires = typeof answer.expires_at === 'string' ? Date.parse(answer.expires_at) : Number.NaN;
    const expiresAt = Number.isFinite(expires)
      ? Math.floor(expires / 1000)
      : Math.floor(Date.now() / 1000) + 300;
    const wrapped = wrapTicket({ ticketId, userId, expiresAt }, deps.secret);
    deps.remember(ticketId, jwt, expiresAt);
    const out: Record<string, unknown> = { ...answer, ticket_id: wrapped };
    if (typeof answer.websocket_url === 'string') {
      out.websocket_url = answer.websocket_url.split(ticketId).join(encodeURIComponent(wrapped));
    }
    const body = JSON.stringify(out);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  upRes.on('error', () =>
    sendJsonError(res, 502, 'upstream_reset', `the ${engine} engine reset the connection`),
  );
}
