import type { Span } from '@opentelemetry/api';
import { ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Engine } from '../routing/types.js';
import { ATTR, endWithError, endWithStatus } from './attributes.js';
import { injectSpan } from './propagation.js';

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

/**
 * One request to an engine: its `traceparent`, then its answer or failure (ended once). Unsampled,
 * it only passes the SERVER span's unsampled context on.
 */
export class EngineCall {
  private ended = false;

  constructor(
    readonly span: Span,
    private readonly sampled: boolean,
  ) {}

  inject(headers: IncomingHttpHeaders | OutgoingHttpHeaders): void {
    injectSpan(this.span, headers);
  }

  /** The engine answered: the span ends when the answer's body has been read (or cut). */
  answered(response: IncomingMessage): void {
    if (!this.sampled) return;
    const status = response.statusCode ?? 0;
    this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    response.once('close', () => this.end(() => endWithStatus(this.span, status, 'client')));
  }

  /** Ends with a status known already (the shadow reads the whole answer itself). */
  finished(status: number, outcome?: string): void {
    this.end(() => {
      this.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (outcome !== undefined) this.span.setAttribute(ATTR.shadowOutcome, outcome);
      endWithStatus(this.span, status, 'client');
    });
  }

  /** No answer: a connection error, a timeout (`outcome`: why a shadow copy was dropped). */
  failed(type: string, outcome?: string): void {
    this.end(() => {
      if (outcome !== undefined) this.span.setAttribute(ATTR.shadowOutcome, outcome);
      endWithError(this.span, type);
    });
  }

  private end(how: () => void): void {
    if (this.ended || !this.sampled) return;
    this.ended = true;
    how();
  }
}
