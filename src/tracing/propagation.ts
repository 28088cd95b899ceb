import { defaultTextMapGetter, ROOT_CONTEXT, type Context, type Span } from '@opentelemetry/api';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Tracing } from './setup.js';

/** The context of an incoming `traceparent` (and `tracestate`), or the root when there is none. */
export function incomingContext(tracing: Tracing, headers: IncomingHttpHeaders): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return tracing.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/**
 * Puts `span`'s `traceparent` (and its `tracestate`, if any) on a request to an engine, in place
 * of whatever the client sent: the engine's spans become children of the proxy's. Written here
 * rather than by the propagator: the SDK made the ids, so they need no validating, and this runs
 * for every request, sampled or not.
 */
export function injectSpan(
  span: Span,
  headers: IncomingHttpHeaders | OutgoingHttpHeaders | Record<string, string>,
): void {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  headers.traceparent = `00-${traceId}-${spanId}-${traceFlags & 1 ? '01' : '00'}`;
  if (traceState === undefined) delete headers.tracestate;
  else headers.tracestate = traceState.serialize();
}
