import type { Span } from '@opentelemetry/api';
import { ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Engine } from '../routing/types.js';
import { ATTR, endWithError, endWithStatus } from './attributes.js';
import { injectSpan, setTraceparent } from './propagation.js';

/** Where an engine request goes: `server.address` and `server.port` of its CLIENT span. */
export interface EngineAddress {
  readonly engine: Engine;
  readonly host: string;
  readonly port: number;
}

/** An engine address from the engine's configured URL. */
export function engineAddress(engine: Engine, url: string): EngineAddress {
  const u = new URL(url);
  return { engine, host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
}

/** One request to an engine: its `traceparent`, then its answer or failure. */
export interface EngineCall {
  inject(headers: IncomingHttpHeaders | OutgoingHttpHeaders): void;
  /** The engine answered: the span ends when the answer's body has been read (or cut). */
  answered(response: IncomingMessage): void;
  /** Ends with a status known already (the shadow reads the whole answer itself). */
  finished(status: number, outcome?: string): void;
  /** No answer: a connection error, a timeout (`outcome`: why a shadow copy was dropped). */
  failed(type: string, outcome?: string): void;
}

/** An engine request of a sampled trace: a CLIENT span, ended once. */
export class SpanCall implements EngineCall {
  private ended = false;

  constructor(private readonly span: Span) {}

  inject(headers: IncomingHttpHeaders | OutgoingHttpHeaders): void {
    injectSpan(this.span, headers);
  }

  answered(response: IncomingMessage): void {
    const status = response.statusCode ?? 0;
    this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    response.once('close', () => this.end(() => endWithStatus(this.span, status, 'client')));
  }

  finished(status: number, outcome?: string): void {
    this.end(() => {
      this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (outcome !== undefined) this.span.setAttribute(ATTR.shadowOutcome, outcome);
      endWithStatus(this.span, status, 'client');
    });
  }

  failed(type: string, outcome?: string): void {
    this.end(() => {
      if (outcome !== undefined) this.span.setAttribute(ATTR.shadowOutcome, outcome);
      endWithError(this.span, type);
    });
  }

  private end(how: () => void): void {
    if (this.ended) return;
    this.ended = true;
    how();
  }
}

/** An engine request of a trace nobody records: it only passes the unsampled `traceparent` on. */
export class PassOnCall implements EngineCall {
  constructor(private readonly traceparent: string) {}

  inject(headers: IncomingHttpHeaders | OutgoingHttpHeaders): void {
    setTraceparent(headers, this.traceparent, undefined);
  }

  answered(): void {}
  finished(): void {}
  failed(): void {}
}
