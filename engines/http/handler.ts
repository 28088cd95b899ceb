import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, type TokenVerifier } from '../access-token.js';
import type { EngineFaults, EngineKind, RecordedRequest } from '../types.js';
import { BodyTooLarge, parseJsonObject, readBody } from './body.js';
import { errorReply, sendJson, type Reply } from './respond.js';
import { matchRoute, type Route } from './routes.js';

export interface HttpContext {
  kind: EngineKind;
  routes: Route[];
  verify: TokenVerifier;
  faults: () => EngineFaults;
  record: (request: RecordedRequest) => void;
  /** Fallback for the ticket's `websocket_url` when a request has no Host header. */
  hostname: () => string;
}

const BODY_LIMIT = 1024 * 1024;

/**
 * One request, in order: read and record it, route it, inject a failure if asked, check the
 * bearer token, parse the JSON body, answer.
 */
export function createHttpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(ctx, req)
      .catch((error: unknown) =>
        error instanceof BodyTooLarge
          ? errorReply(413, 'Request body too large', 'PAYLOAD_TOO_LARGE')
          : errorReply(500, 'Internal Server Error', 'INTERNAL'),
      )
      .then((reply) => {
        if (!res.headersSent && !res.destroyed) sendJson(res, ctx.kind, reply);
      });
  };
}

async function handle(ctx: HttpContext, req: IncomingMessage): Promise<Reply> {
  const method = req.method ?? 'GET';
  const target = req.url ?? '/';
  const text = await readBody(req, BODY_LIMIT);
  ctx.record({ method, path: target, headers: { ...req.headers }, body: text });

  const match = matchRoute(ctx.routes, method, new URL(target, 'http://engine').pathname);
  if (match === null) return errorReply(404, 'Not Found', 'NOT_FOUND');
  const { route, params } = match;
  if (!route.auth) return route.handle({ userId: '', jwt: '', body: {}, params, host: '' });

  if (Math.random() < (ctx.faults().httpFailRate ?? 0)) {
    return errorReply(500, 'Internal Server Error (injected)', 'INJECTED_FAILURE');
  }
  const jwt = bearerToken(req.headers.authorization);
  const userId = jwt === null ? null : await ctx.verify(jwt);
  if (jwt === null || userId === null) return errorReply(401, 'Not authenticated', 'AUTH_FAILED');

  const body = parseJsonObject(text);
  if (body === null) return errorReply(422, 'Body must be a JSON object', 'INVALID_BODY');
  return route.handle({ userId, jwt, body, params, host: req.headers.host ?? ctx.hostname() });
}
