import { request, type Agent, type IncomingHttpHeaders } from 'node:http';
import type { HttpResponseSample } from '../compare/index.js';
import { engineHeaders, type ClientSocket } from '../proxy/engine-headers.js';
import type { DropReason } from './drop-reason.js';

export interface ShadowHttpRequest {
  /** The engine's base URL (`config.engines[engine].url`). */
  base: string;
  method: string;
  /** Path and query string, as the client sent them. */
  target: string;
  headers: IncomingHttpHeaders;
  client: ClientSocket;
  body: Buffer;
  /** Puts the shadow copy's own `traceparent` on its headers (tracing on). */
  inject?: ((headers: IncomingHttpHeaders) => void) | undefined;
}

export interface ShadowHttpLimits {
  agent: Agent;
  timeoutMs: number;
  bodyLimitBytes: number;
}

export type ShadowHttpResult =
  | { ok: true; sample: HttpResponseSample }
  | { ok: false; reason: Extract<DropReason, 'connect_failed' | 'timeout' | 'body_too_large'> };

/** Besides the hop-by-hop ones: the shadow request has its own host, framing and encoding. */
const NOT_COPIED = ['host', 'content-length', 'expect', 'accept-encoding'] as const;

/**
 * Re-sends a request to the shadow engine, marked `x-switchyard-shadow: 1`, and reads its answer
 * up to a limit, within one deadline for the whole exchange. Never rejects: every failure is a
 * reason to count. Asks for an unencoded body so that it can be compared.
 */
export function sendShadowRequest(
  req: ShadowHttpRequest,
  limits: ShadowHttpLimits,
): Promise<ShadowHttpResult> {
  return new Promise((settle) => {
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), limits.timeoutMs);
    deadline.unref();
    const resolve = (result: ShadowHttpResult): void => {
      clearTimeout(deadline);
      settle(result);
    };
    const base = new URL(req.base);
    const headers = engineHeaders(req.headers, req.client);
    for (const name of NOT_COPIED) delete headers[name];
    headers['x-switchyard-shadow'] = '1';
    headers['accept-encoding'] = 'identity';
    req.inject?.(headers);
    if (req.body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method)) {
      headers['content-length'] = String(req.body.length);
    }
    const outgoing = request({
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port,
      path: `${base.pathname.replace(/\/$/, '')}${req.target}`,
      method: req.method,
      headers,
      agent: limits.agent,
      signal: abort.signal,
    });
    const fail = (): void =>
      resolve({ ok: false, reason: abort.signal.aborted ? 'timeout' : 'connect_failed' });
    outgoing.on('error', fail);
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.bodyLimitBytes) {
          resolve({ ok: false, reason: 'body_too_large' });
          outgoing.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () =>
        resolve({
          ok: true,
          sample: {
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks, size),
            contentType: res.headers['content-type'] ?? null,
          },
        }),
      );
    });
    outgoing.end(req.body);
  });
}
