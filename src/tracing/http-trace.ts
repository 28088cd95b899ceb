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
import { PassOnCall, SpanCall, type EngineAddress, type EngineCall } from './engine-call.js';
import { incomingContext, traceparentOf } from './propagation.js';
import type { Tracing } from './setup.js';

/** One request's spans, as the traffic handler, the forwarder and the HTTP shadow use them. */
export interface RequestTrace {
  /** The routing decision, and the user as its keyed hash. */
  decided(assignment: Assignment, userId: string | null): void;
  /** The CLIENT span of a request to the serving engine. */
  engineCall(to: EngineAddress): EngineCall;
  /** The shadow copy's CLIENT span: `switchyard.shadow=true`, linked to the primary engine request. */
  shadowCall(to: EngineAddress, baseline: boolean): EngineCall;
}

/** Opens the spans of requests on the traffic listener (created only when tracing is on). */
export class HttpTracing {
  /** `{method} {route}` per route, made once. */
  private readonly names = new Map<RouteSpec, string>();

  constructor(
    private readonly tracing: Tracing,
    private readonly hashId: IdHasher,
  ) {}

  /**
   * The SERVER span of a request, child of the client's `traceparent`. A request the sampler
   * leaves out gets no span at all, only the `traceparent` (flag 00) its engine requests carry.
   */
  start(req: IncomingMessage, res: ServerResponse, route: RouteSpec): RequestTrace {
    const method = knownMethod(req.method);
    const name = this.name(method, route);
    const parent = incomingContext(this.tracing, req.headers);
    if (parent === ROOT_CONTEXT) {
      const traceparent = this.tracing.roots.unsampled(name, SpanKind.SERVER);
      if (traceparent !== null) return new UnsampledRequest(traceparent);
    }
    const server = this.tracing.tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
    this.tracing.roots.clear();
    if (!server.isRecording()) return new UnsampledRequest(traceparentOf(server.spanContext()));
    const context = trace.setSpan(parent, server);
    return new SampledRequest(this.tracing, this.hashId, { req, res, route, method, name, server, context });
  }

  private name(method: string, route: RouteSpec): string {
    if (route.path === '*') return spanName(method, null);
    if (method !== route.method) return spanName(method, route.path);
    let name = this.names.get(route);
    if (name === undefined) this.names.set(route, (name = spanName(method, route.path)));
    return name;
  }
}

/** A request nobody records: its engine requests (primary and shadow) carry its `traceparent`. */
class UnsampledRequest extends PassOnCall implements RequestTrace {
  decided(): void {}

  engineCall(): EngineCall {
    return this;
  }

  shadowCall(): EngineCall {
    return this;
  }
}

interface Started {
  req: IncomingMessage;
  res: ServerResponse;
  route: RouteSpec;
  method: string;
  name: string;
  server: Span;
  /** The SERVER span's context: the parent of the CLIENT spans. */
  context: Context;
}

/**
 * A sampled request: the SERVER span (ended when the response closes), a CLIENT span per engine
 * request (the retry is a second one), and the shadow copy's CLIENT span, a child of the SERVER
 * span linked to the primary's.
 */
class SampledRequest implements RequestTrace {
  private readonly server: Span;
  private readonly route: string | null;
  private primary: Span | null = null;
  private sends = 0;

  constructor(
    private readonly tracing: Tracing,
    private readonly hashId: IdHasher,
    private readonly started: Started,
  ) {
    const { req, res, route, method, server } = started;
    this.server = server;
    this.route = route.path === '*' ? null : route.path;
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_SCHEME]: 'http',
      [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
      [ATTR.routeName]: route.name,
    };
    if (this.route !== null) attributes[ATTR_HTTP_ROUTE] = this.route;
    const port = req.socket.localPort;
    if (port !== undefined) attributes[ATTR_SERVER_PORT] = port;
    server.setAttributes(attributes);
    res.once('close', () => {
      if (!res.writableFinished) return endWithError(server, 'client_closed');
      server.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      endWithStatus(server, res.statusCode, 'server');
    });
  }

  decided(assignment: Assignment, userId: string | null): void {
    this.server.setAttributes({
      [ATTR.engine]: assignment.serve,
      [ATTR.reason]: assignment.reason,
      [ATTR.shadow]: false,
    });
    if (assignment.shadow !== 'none') this.server.setAttribute(ATTR.shadowTarget, assignment.shadow);
    if (userId !== null) this.server.setAttribute(ATTR.userHash, this.hashId(userId));
  }

  engineCall(to: EngineAddress): EngineCall {
    const span = this.clientSpan(to, false, []);
    if (this.sends > 0) span.setAttribute(ATTR_HTTP_REQUEST_RESEND_COUNT, this.sends);
    this.sends++;
    this.primary = span;
    return new SpanCall(span);
  }

  shadowCall(to: EngineAddress, baseline: boolean): EngineCall {
    const links: Link[] = this.primary === null ? [] : [{ context: this.primary.spanContext() }];
    const span = this.clientSpan(to, true, links);
    span.setAttribute(ATTR.baseline, baseline);
    return new SpanCall(span);
  }

  private clientSpan(to: EngineAddress, shadow: boolean, links: Link[]): Span {
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: this.started.method,
      [ATTR_SERVER_ADDRESS]: to.host,
      [ATTR_SERVER_PORT]: to.port,
      [ATTR_URL_SCHEME]: 'http',
      [ATTR.engine]: to.engine,
      [ATTR.shadow]: shadow,
    };
    if (this.route !== null) attributes[ATTR_HTTP_ROUTE] = this.route;
    const options = { kind: SpanKind.CLIENT, attributes, links };
    return this.tracing.tracer.startSpan(this.started.name, options, this.started.context);
  }
}
