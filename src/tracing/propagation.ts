import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Tracing } from './setup.js';

/** The context of an incoming `traceparent` (and `tracestate`), or the root when there is none. */
export function incomingContext(tracing: Tracing, headers: IncomingHttpHeaders): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return tracing.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/**
 * Puts `span`'s `traceparent` (and its `tracestate`, if any) on a request to an engine, in place
 * of whatever the client sent: the engine's spans become children of the proxy's.
 */
export function injectSpan(
  tracing: Tracing,
  span: Span,
  headers: IncomingHttpHeaders | OutgoingHttpHeaders | Record<string, string>,
): void {
  delete headers.traceparent;
  delete headers.tracestate;
  tracing.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
}
