import {
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Tracing } from './setup.js';

type Headers = IncomingHttpHeaders | OutgoingHttpHeaders | Record<string, string>;

/** The context of an incoming `traceparent` (and `tracestate`), or the root when there is none. */
export function incomingContext(tracing: Tracing, headers: IncomingHttpHeaders): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return tracing.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/** The W3C `traceparent` of a span context. */
export function traceparentOf({ traceId, spanId, traceFlags }: SpanContext): string {
  return `00-${traceId}-${spanId}-${traceFlags & 1 ? '01' : '00'}`;
}

/**
 * Puts `span`'s `traceparent` (and its `tracestate`, if any) on a request to an engine, in place
 * of whatever the client sent: the engine's spans become children of the proxy's. Written here
 * rather than by the propagator: the SDK made the ids, so they need no validating.
 */
export function injectSpan(span: Span, headers: Headers): void {
  const context = span.spanContext();
  setTraceparent(headers, traceparentOf(context), context.traceState?.serialize());
}

export function setTraceparent(headers: Headers, traceparent: string, tracestate: string | undefined): void {
  headers.traceparent = traceparent;
  if (tracestate === undefined) delete headers.tracestate;
  else headers.tracestate = tracestate;
}
