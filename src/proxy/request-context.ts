import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Assignment, Engine } from '../routing/types.js';
import type { RequestTrace } from '../tracing/http-trace.js';

/** What the traffic handler learnt about a request, carried on it for the forwarder's events. */
export interface RequestContext {
  engine: Engine;
  assignment: Assignment;
  routeName: string;
  startedAt: number;
  requestId: string;
  /** Set when the upstream took longer than the configured timeout. */
  timedOut: boolean;
  /** Retried once already on a fresh socket. */
  retried: boolean;
  /** Body already read by the proxy (user id check), re-sent upstream. */
  body: Buffer | null;
  /** The body as the proxy streams it (user id checked on the way), instead of the request. */
  bodySource?: Duplex;
  /** Set when the proxy refused the streamed body and aborted the engine request itself. */
  bodyRefused?: boolean;
  /** The request to the engine, once made: the proxy abandons it when it refuses the body. */
  engineRequest?: { abort(err: Error): void };
  /** The engine's answer's headers, once in (the shadow reads its content type from them). */
  engineHeaders?: IncomingHttpHeaders;
  /** The request's spans, when tracing is on. */
  trace?: RequestTrace;
}

export interface RoutedRequest extends IncomingMessage {
  switchyard?: RequestContext;
}
