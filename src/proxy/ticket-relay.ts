import { request, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Engine } from '../routing/types.js';
import { wrapTicket } from '../ws/ticket-tag.js';
import { sendJsonError } from './json-error.js';
import type { RoutedRequest } from './request-context.js';
import { classifyUpstreamError } from './upstream-error.js';

export interface TicketRelayDeps {
  engines: Record<Engine, { url: string; agent: Agent }>;
  secret: string;
  maxResponseBytes: number;
  timeoutMs: number;
  /** Remembers the JWT a ticket was issued for, so a shadow socket can sign in (bounded). */
  remember: (ticketId: string, jwt: string, expiresAtSeconds: number) => void;
  onUpstreamError: (engine: Engine, reason: string) => void;
}

/**
 * `POST /api/websocket/ticket`: forwarded to the serving engine like any route, but the answer's
 * `ticket_id` is wrapped in a signed tag that binds it to the user, so that the proxy can tell
 * whose ticket it is at `/ws?ticket=` without validating (consuming) it.
 */
export function createTicketRelay(deps: TicketRelayDeps) {
  return (req: RoutedRequest, res: ServerResponse, engine: Engine, userId: string, jwt: string): void => {
    const target = new URL(req.url ?? '/', deps.engines[engine].url);
    const upstream = request(
      target,
      {
        method: req.method,
        headers: req.headers,
        agent: deps.engines[engine].agent,
        timeout: deps.timeoutMs,
      },
      (upRes) => relayAnswer(upRes, res, engine, userId, jwt, deps),
    );
    upstream.on('timeout', () =>
      upstream.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      const { status, reason } = classifyUpstreamError(err.code, err.code === 'ETIMEDOUT');
      deps.onUpstreamError(engine, reason);
      sendJsonError(res, status, `upstream_${reason}`, `the ${engine} engine could not issue a ticket`);
    });
    if (req.switchyard?.body != null) upstream.end(req.switchyard.body);
    else req.pipe(upstream);
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
