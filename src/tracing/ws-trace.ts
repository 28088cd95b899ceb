import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { IncomingMessage } from 'node:http';
import type { Assignment, Engine } from '../routing/types.js';
import { ATTR, endWithError } from './attributes.js';
import { incomingContext, injectSpan } from './propagation.js';
import type { Tracing } from './setup.js';

/** Opens the spans of WebSocket sessions (created only when tracing is on). */
export class WsTracing {
  constructor(private readonly tracing: Tracing) {}

  /** The handshake's SERVER span, `GET {path}` (a configured WebSocket path, never one with ids). */
  handshake(req: IncomingMessage, path: string): HandshakeTrace {
    return new HandshakeTrace(this.tracing, req, path);
  }
}

/** The handshake: authentication and the decision, until the client's socket is accepted or refused. */
export class HandshakeTrace {
  readonly span: Span;
  private base: Attributes = {};

  constructor(
    private readonly tracing: Tracing,
    req: IncomingMessage,
    path: string,
  ) {
    this.span = tracing.tracer.startSpan(
      `GET ${path}`,
      { kind: SpanKind.SERVER },
      incomingContext(tracing, req.headers),
    );
    if (this.span.isRecording()) {
      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: 'GET',
        [ATTR_HTTP_ROUTE]: path,
        [ATTR_URL_SCHEME]: 'http',
        [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
      };
      const port = req.socket.localPort;
      if (port !== undefined) attributes[ATTR_SERVER_PORT] = port;
      this.span.setAttributes(attributes);
    }
  }

  /** The decision; `session` is the keyed-hash session label of the logs. */
  decided(assignment: Assignment, userHash: string, session: string): void {
    this.base = {
      [ATTR.engine]: assignment.serve,
      [ATTR.reason]: assignment.reason,
      [ATTR.shadow]: false,
      [ATTR.userHash]: userHash,
      [ATTR.session]: session,
    };
    if (this.span.isRecording()) this.span.setAttributes(this.base);
  }

  /** The engine's handshake carries the handshake span's `traceparent`. */
  inject(headers: Record<string, string>): void {
    injectSpan(this.span, headers);
  }

  refused(type: string, status?: number): void {
    if (status !== undefined) this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    endWithError(this.span, type);
  }

  /** The client's socket is open: the handshake span ends, the session's runs get spans of their own. */
  accepted(): SessionTrace {
    this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, 101);
    this.span.end();
    return new SessionTrace(this.tracing, this.span, this.base);
  }
}

/**
 * A session's agent runs: a span from the client frame that starts a run to its terminal event
 * (runs may overlap: a terminal event ends the oldest, `stop_agent` all). Each run is a trace of
 * its own, linked to the handshake. Isolation blocks and drains are events on the open runs, or
 * a span of their own when no run is open. Called only at run starts and ends, never per frame.
 */
export class SessionTrace {
  private readonly open: Span[] = [];

  constructor(
    private readonly tracing: Tracing,
    private readonly handshake: Span,
    private base: Attributes,
  ) {}

  /** The session moved to another engine (the fallback). */
  retargeted(engine: Engine): void {
    this.base = { ...this.base, [ATTR.engine]: engine, [ATTR.reason]: 'fallback' };
  }

  runStarted(type: string): void {
    this.open.push(
      this.tracing.tracer.startSpan(
        'agent run',
        {
          kind: SpanKind.INTERNAL,
          root: true,
          links: [{ context: this.handshake.spanContext() }],
          attributes: { ...this.base, [ATTR.runStart]: type },
        },
        ROOT_CONTEXT,
      ),
    );
  }

  /** `how`: the terminal event's type, `stop_agent`, or `closed`. */
  runsEnded(count: number, how: string): void {
    for (const span of this.open.splice(0, count)) {
      span.setAttribute(ATTR.runEnd, how);
      if (how === 'agent_error') span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  }

  event(name: string, attributes: Attributes): void {
    if (this.open.length > 0) {
      for (const span of this.open) span.addEvent(name, attributes);
      return;
    }
    const span = this.tracing.tracer.startSpan(
      name,
      { root: true, links: [{ context: this.handshake.spanContext() }], attributes: this.base },
      ROOT_CONTEXT,
    );
    span.addEvent(name, attributes);
    span.end();
  }

  /** The session closed: runs still open end as `closed`. */
  close(): void {
    this.runsEnded(this.open.length, 'closed');
  }
}
