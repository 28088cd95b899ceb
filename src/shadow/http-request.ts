import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { HttpResponseSample } from '../compare/index.js';
import type { Deadline, DeadlineSweeper } from '../proxy/deadline-sweeper.js';
import { engineHeaders, type ClientSocket } from '../proxy/engine-headers.js';
import type { DropReason } from './drop-reason.js';

export interface ShadowHttpRequest {
  /** The engine's base URL (`config.engines[engine].url`). */
  base: string;
  method: string;
  /** Path and query string, as the client sent them. */
  target: string;
  headers: IncomingHttpHeaders;
  client: ClientSocket;
  body: Buffer;
  /** Puts the shadow copy's own `traceparent` on its headers (tracing on). */
  inject?: ((headers: IncomingHttpHeaders) => void) | undefined;
}

export interface ShadowHttpLimits {
  /** The shadow engine's pool (its own: a hanging shadow engine takes nothing from the primaries). */
  dispatcher: Dispatcher;
  /** The whole exchange's deadline. */
  deadlines: DeadlineSweeper;
  bodyLimitBytes: number;
}

export type ShadowHttpResult =
  | { ok: true; sample: HttpResponseSample }
  | { ok: false; reason: Extract<DropReason, 'connect_failed' | 'timeout' | 'body_too_large'> };

/** Besides the hop-by-hop ones: the shadow request has its own host, framing and encoding. */
const NOT_COPIED = ['host', 'content-length', 'expect', 'accept-encoding'] as const;
const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * Re-sends a request to the shadow engine, marked `x-switchyard-shadow: 1`, and reads its answer
 * up to a limit, within one deadline for the whole exchange. Never rejects: every failure is a
 * reason to count. Asks for an unencoded body so that it can be compared.
 */
export function sendShadowRequest(
  req: ShadowHttpRequest,
  limits: ShadowHttpLimits,
): Promise<ShadowHttpResult> {
  return new Promise((settle) => {
    const base = new URL(req.base);
    const headers = engineHeaders(req.headers, req.client);
    for (const name of NOT_COPIED) delete headers[name];
    headers['x-switchyard-shadow'] = '1';
    headers['accept-encoding'] = 'identity';
    req.inject?.(headers);
    if (req.body.length > 0 || !NO_BODY_METHODS.has(req.method)) {
      headers['content-length'] = String(req.body.length);
    }
    const answer = new ShadowAnswer(limits.bodyLimitBytes, limits.deadlines, settle);
    limits.deadlines.watch(answer);
    limits.dispatcher.dispatch(
      {
        method: req.method,
        path: `${base.pathname.replace(/\/$/, '')}${req.target}`,
        headers,
        body: req.body,
      },
      answer,
    );
  });
}

/** The shadow engine's answer, read whole up to the limit; settles once. */
class ShadowAnswer implements Dispatcher.DispatchHandler, Deadline {
  watchedSince = 0;
  private controller: Dispatcher.DispatchController | null = null;
  private abandoned: 'timeout' | null = null;
  private settled = false;
  private status = 0;
  private contentType: string | null = null;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly bodyLimitBytes: number,
    private readonly deadlines: DeadlineSweeper,
    private readonly settle: (result: ShadowHttpResult) => void,
  ) {}

  onDeadline(): void {
    this.abort('timeout');
  }

  /** Gives up on it; one still waiting for a connection is counted now (undici aborts it once started). */
  abort(why: 'timeout'): void {
    this.abandoned = why;
    if (this.controller !== null) this.controller.abort(new Error(why));
    else this.finish({ ok: false, reason: why });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abandoned !== null) controller.abort(new Error(this.abandoned));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx interim answers: the final one follows
    this.status = statusCode;
    const type = headers['content-type'];
    this.contentType = typeof type === 'string' ? type : null;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.bodyLimitBytes) {
      this.finish({ ok: false, reason: 'body_too_large' });
      controller.abort(new Error('body_too_large'));
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = Buffer.concat(this.chunks, this.size);
    this.finish({ ok: true, sample: { status: this.status, body, contentType: this.contentType } });
  }

  onResponseError(): void {
    this.finish({ ok: false, reason: this.abandoned ?? 'connect_failed' });
  }

  private finish(result: ShadowHttpResult): void {
    if (this.settled) return;
    this.settled = true;
    this.deadlines.settle(this);
    this.settle(result);
  }
}
