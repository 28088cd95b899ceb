import { SpanStatusCode, type Span } from '@opentelemetry/api';

/** Switchyard's own span attributes (the HTTP ones are the semantic conventions'). */
export const ATTR = {
  engine: 'switchyard.engine',
  reason: 'switchyard.reason',
  shadow: 'switchyard.shadow',
  /** The engine a shadowed request's copy goes to. */
  shadowTarget: 'switchyard.shadow.target',
  /** A shadow copy: `match`, `mismatch`, or why it was dropped. */
  shadowOutcome: 'switchyard.shadow.outcome',
  baseline: 'switchyard.shadow.baseline',
  routeName: 'switchyard.route',
  /** The keyed hash of the user id (src/log/hash-id.ts), never the id. */
  userHash: 'switchyard.user.hash',
  session: 'switchyard.ws.session',
  runStart: 'switchyard.run.start',
  runEnd: 'switchyard.run.end',
  evidence: 'switchyard.isolation.evidence',
  action: 'switchyard.isolation.action',
} as const;

/** Span events of a WebSocket session. */
export const EVENT = {
  isolationBlock: 'switchyard.isolation.block',
  isolationRefuse: 'switchyard.isolation.refuse',
  drain: 'switchyard.drain',
} as const;

const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

/** A method the semantic conventions know, or `_OTHER`: a client cannot invent span names. */
export function knownMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** `{method} {route}`; `HTTP` for a method nobody knows, the method alone without a route. */
export function spanName(method: string, route: string | null): string {
  const m = method === '_OTHER' ? 'HTTP' : method;
  return route === null ? m : `${m} ${route}`;
}

/** HTTP status to span status: 5xx is an error on both sides, 4xx only for the client side. */
export function endWithStatus(span: Span, status: number, side: 'server' | 'client'): void {
  if (status >= 500 || (side === 'client' && status >= 400)) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** Ends a span that failed without an HTTP status (a connection error, a timeout). */
export function endWithError(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
