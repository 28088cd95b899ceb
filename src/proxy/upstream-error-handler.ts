import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/catalog.js';
import type { Engine } from '../routing/types.js';
import type { Forwarder } from './http-forwarder.js';
import { setResponseMarks } from './engine-headers.js';
import { sendJsonError } from './json-error.js';
import type { RoutedRequest } from './request-context.js';
import { classifyUpstreamError } from './upstream-error.js';

const WORDS = {
  refused: 'refused the connection',
  reset: 'reset the connection',
  timeout: 'did not answer in time',
  other: 'could not be reached',
};

/**
 * Answers an engine failure with 502/504 JSON naming the engine. A request the forwarder says
 * may be sent again (the reused-socket race, http-forwarder.ts `mayRetry`) is retried once, on
 * a fresh connection rather than the pool's, whose other idle sockets the engine may be closing.
 */
export function createUpstreamErrorHandler(deps: {
  forwarders: Record<Engine, Forwarder>;
  metrics: Metrics;
  log: Logger;
}) {
  return (err: NodeJS.ErrnoException, req: RoutedRequest, res: ServerResponse, retryable: boolean): void => {
    const ctx = req.switchyard;
    if (ctx === undefined) {
      sendJsonError(res, 502, 'upstream_other', 'the engine could not be reached');
      return;
    }
    if (ctx.bodyRefused === true) return; // aborted by the proxy, which has answered
    if (retryable && !res.headersSent) {
      ctx.retried = true;
      deps.forwarders[ctx.engine].forward(req, res, true);
      return;
    }
    setResponseMarks(res, ctx.engine, ctx.requestId);
    const { status, reason } = classifyUpstreamError(err.code, ctx.timedOut);
    deps.metrics.upstreamErrors.labels(ctx.engine, reason).inc();
    deps.log.warn(
      { engine: ctx.engine, reason, code: err.code, reqId: ctx.requestId },
      'engine request failed',
    );
    sendJsonError(res, status, `upstream_${reason}`, `the ${ctx.engine} engine ${WORDS[reason]}`);
  };
}
