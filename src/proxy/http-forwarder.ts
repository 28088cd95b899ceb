import { Agent, type ClientRequest, type ServerResponse } from 'node:http';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { Engine } from '../routing/types.js';
import type { RoutedRequest } from './request-context.js';

export interface ForwarderOptions {
  engine: Engine;
  target: string;
  timeoutMs: number;
  /** Idle keep-alive sockets are dropped sooner than the engine drops them (Node's default is 5 s). */
  idleSocketMs: number;
  onError: (
    err: NodeJS.ErrnoException,
    req: RoutedRequest,
    res: ServerResponse,
    proxyReq: ClientRequest | null,
  ) => void;
}

export interface Forwarder {
  readonly engine: Engine;
  readonly agent: Agent;
  forward(req: RoutedRequest, res: ServerResponse): void;
}

/**
 * http-proxy-middleware with a keep-alive agent, bodies streamed both ways, x-forwarded-* set,
 * and our own error handling (its default plugins are ejected: they answer errors in plain
 * text and would log through their own logger).
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 1024,
    maxFreeSockets: 256,
    timeout: options.idleSocketMs,
  });
  const middleware: RequestHandler = createProxyMiddleware({
    target: options.target,
    agent,
    xfwd: true,
    changeOrigin: false,
    ejectPlugins: true,
    plugins: [
      (proxy) => {
        proxy.on('proxyReq', (proxyReq: ClientRequest, req: RoutedRequest) => {
          // Kept on the request's context, not in a WeakMap: a WeakMap entry per request is
          // ephemeron work for every GC, measured at ~40% of throughput here.
          const ctx = req.switchyard;
          if (ctx !== undefined) ctx.proxyReq = proxyReq;
          proxyReq.setTimeout(options.timeoutMs, () => {
            if (ctx !== undefined) ctx.timedOut = true;
            proxyReq.destroy();
          });
          const body = ctx?.body;
          if (body !== null && body !== undefined) {
            proxyReq.setHeader('content-length', body.length);
            proxyReq.write(body);
          }
        });
        proxy.on('error', (err, req, res) => {
          if (req === undefined || res === undefined || !('writeHead' in res)) return;
          options.onError(err, req, res, (req as RoutedRequest).switchyard?.proxyReq ?? null);
        });
      },
    ],
  });
  return {
    engine: options.engine,
    agent,
    forward(req, res) {
      // Errors are answered by onError; the returned promise only mirrors them.
      middleware(req, res).catch(() => undefined);
    },
  };
}
