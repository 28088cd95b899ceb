import {
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteSpec } from '../config/routes.js';
import type { IdHasher } from '../log/hash-id.js';
import type { Assignment } from '../routing/types.js';
import { ATTR, endWithError, endWithStatus, knownMethod, spanName } from './attributes.js';
import { EngineCall, type EngineAddress } from './engine-call.js';
import { incomingContext } from './propagation.js';
import type { Tracing } from './setup.js';

/** The http.route of a catalogue entry: its template; none for requests no route matched. */
function routeTemplate(route: RouteSpec): string | null {
  return route.path === '*' ? null : route.path;
}

/** Opens the spans of requests on the traffic listener (created only when tracing is on). */
export class HttpTracing {
  constructor(
    private readonly tracing: Tracing,
    private readonly hashId: IdHasher,
  ) {}

  /** The SERVER span of a request, child of the client's `traceparent`; ends when `res` closes. */
  start(req: IncomingMessage, res: ServerResponse, route: RouteSpec): RequestTrace {
    return new RequestTrace(this.tracing, this.hashId, req, res, route);
  }
}

/**
 * One request's spans: the SERVER span, a CLIENT span per engine request (the retry is a second
 * one), and the shadow copy's CLIENT span, a child of the SERVER span linked to the primary's.
 * A request the sampler leaves out costs one non-recording span: the engines get its
 * `traceparent` (flag 00) and nothing else is built.
 */
export class RequestTrace {
  private readonly server: Span;
  private readonly sampled: boolean;
  private readonly method: string;
  private readonly route: string | null;
  private context: Context | null = null;
  private primary: Span | null = null;
  private sends = 0;

  constructor(
    private readonly tracing: Tracing,
    private readonly hashId: IdHasher,
    req: IncomingMessage,
    res: ServerResponse,
    routeSpec: RouteSpec,
  ) {
    this.method = knownMethod(req.method);
    this.route = routeTemplate(routeSpec);
    const name = spanName(this.method, this.route);
    const parent = incomingContext(tracing, req.headers);
    const unsampled = parent === ROOT_CONTEXT ? tracing.roots.unsampled(name, SpanKind.SERVER) : null;
    if (unsampled !== null) this.server = unsampled;
    else {
      this.server = tracing.tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
      tracing.roots.clear();
    }
    this.sampled = this.server.isRecording();
    if (!this.sampled) return;
    this.context = trace.setSpan(parent, this.server);
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: this.method,
      [ATTR_URL_SCHEME]: 'http',
      [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
      [ATTR.routeName]: routeSpec.name,
    };
    if (this.route !== null) attributes[ATTR_HTTP_ROUTE] = this.route;
    const port = req.socket.localPort;
    if (port !== undefined) attributes[ATTR_SERVER_PORT] = port;
    this.server.setAttributes(attributes);
    res.once('close', () => {
      if (!res.writableFinished) return endWithError(this.server, 'client_closed');
      this.server.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      endWithStatus(this.server, res.statusCode, 'server');
    });
  }

  /** The routing decision, and the user as its keyed hash. */
  decided(assignment: Assignment, userId: string | null): void {
    if (!this.sampled) return;
    this.server.setAttributes({
      [ATTR.engine]: assignment.serve,
      [ATTR.reason]: assignment.reason,
      [ATTR.shadow]: false,
    });
    if (assignment.shadow !== 'none') this.server.setAttribute(ATTR.shadowTarget, assignment.shadow);
    if (userId !== null) this.server.setAttribute(ATTR.userHash, this.hashId(userId));
  }

  /** The CLIENT span of a request to the serving engine. */
  engineCall(to: EngineAddress): EngineCall {
    if (!this.sampled) return new EngineCall(this.server, false);
    const span = this.clientSpan(to, false, []);
    if (this.sends > 0) span.setAttribute(ATTR_HTTP_REQUEST_RESEND_COUNT, this.sends);
    this.sends++;
    this.primary = span;
    return new EngineCall(span, true);
  }

  /** The shadow copy's CLIENT span: `switchyard.shadow=true`, linked to the primary engine request. */
  shadowCall(to: EngineAddress, baseline: boolean): EngineCall {
    if (!this.sampled) return new EngineCall(this.server, false);
    const links: Link[] = this.primary === null ? [] : [{ context: this.primary.spanContext() }];
    const span = this.clientSpan(to, true, links);
    span.setAttribute(ATTR.baseline, baseline);
    return new EngineCall(span, true);
  }

  private clientSpan(to: EngineAddress, shadow: boolean, links: Link[]): Span {
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: this.method,
      [ATTR_SERVER_ADDRESS]: to.host,
      [ATTR_SERVER_PORT]: to.port,
      [ATTR_URL_SCHEME]: 'http',
      [ATTR.engine]: to.engine,
      [ATTR.shadow]: shadow,
    };
    if (this.route !== null) attributes[ATTR_HTTP_ROUTE] = this.route;
    const name = spanName(this.method, this.route);
    return this.tracing.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, links }, this.context!);
  }
}
