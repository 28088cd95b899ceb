import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { diffHttp, type HttpResponseSample } from '../compare/index.js';
import type { Config } from '../config/schema.js';
import type { RouteSpec } from '../config/routes.js';
import type { RequestContext } from '../proxy/request-context.js';
import { isBaseline } from '../routing/decide.js';
import type { Engine } from '../routing/types.js';
import { engineAddress, type EngineAddress, type EngineCall } from '../tracing/engine-call.js';
import { DeadlineSweeper } from '../proxy/deadline-sweeper.js';
import type { ClientSocket } from '../proxy/engine-headers.js';
import { Pool } from '../proxy/undici.js';
import { AfterIo } from './after-io.js';
import { decodeBody } from './decode-body.js';
import { captureExchange, type ExchangeCapture } from './exchange-capture.js';
import { sendShadowRequest } from './http-request.js';
import type { Books, ShadowResults } from './results.js';
import type { Slots } from './slots.js';

export interface HttpShadowingDeps {
  config: Config;
  books: Books;
  /** Places for HTTP shadows in flight, from capture to comparison. */
  slots: Slots;
  log: Logger;
}

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ctx: RequestContext;
  readonly route: RouteSpec;
  readonly userId: string;
}

interface Pending {
  readonly capture: ExchangeCapture;
  readonly release: () => void;
  /** The client's side of its connection, read while the request is live (x-forwarded-*). */
  readonly client: ClientSocket;
}

/**
 * HTTP shadowing of shadow-safe routes. Before the primary is forwarded, a place is taken and
 * the exchange captured (bounded); once the client's response has finished, the request is
 * re-sent to the other engine (a baseline: to the same one), fire-and-forget, and the two answers compared on status and JSON
 * body minus the volatile fields and the configured paths. The client never waits for any of
 * it. The shadow engine is reached through connection pools of its own, so a hanging shadow engine can
 * never take sockets from the primary path.
 */
export class HttpShadowing {
  private readonly pending = new WeakMap<IncomingMessage, Pending>();
  private readonly pools: Record<Engine, Dispatcher>;
  private readonly deadlines: DeadlineSweeper;
  private readonly settings: Config['shadow'];
  private readonly addresses: Record<Engine, EngineAddress>;
  /** Sending and judging copies: after the I/O of the loop turn they are queued in. */
  private readonly afterIo: AfterIo;

  constructor(private readonly deps: HttpShadowingDeps) {
    this.settings = deps.config.shadow;
    this.afterIo = new AfterIo((err) =>
      deps.log.error({ err: (err as Error).message }, 'http shadow failed'),
    );
    const urls = deps.config.engines;
    const pool = (url: string) =>
      new Pool(new URL(url).origin, {
        connections: this.settings.maxInflightHttp,
        keepAliveTimeout: urls.idleSocketMs,
        keepAliveMaxTimeout: urls.idleSocketMs,
        headersTimeout: 0, // the deadline is the sweeper's, for the whole exchange
        bodyTimeout: 0,
        allowH2: false,
      });
    this.pools = { legacy: pool(urls.legacy.url), user: pool(urls.user.url) };
    this.deadlines = new DeadlineSweeper(this.settings.httpTimeoutMs);
    this.addresses = {
      legacy: engineAddress('legacy', urls.legacy.url),
      user: engineAddress('user', urls.user.url),
    };
  }

  /** Called before the primary is forwarded, for shadowed requests on shadow-safe routes. */
  onForward(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, route: RouteSpec): void {
    if (ctx.assignment.shadow === 'none' || !route.shadowSafe) return;
    const release = this.deps.slots.tryTake();
    if (release === null) return this.deps.books.cross.dropped('capacity');
    const capture = captureExchange(req, res, ctx.body, this.settings.httpBodyLimitBytes);
    if (capture === null) {
      release();
      return this.deps.books.cross.dropped('body_too_large');
    }
    const client = { remoteAddress: req.socket.remoteAddress, localPort: req.socket.localPort };
    this.pending.set(req, { capture, release, client });
    // A response that never finishes (the client went away) gives its place back.
    res.once('close', () => this.take(req)?.release());
  }

  /**
   * Called once the primary response has finished. The copy is sent, and later judged, after
   * the I/O of the loop turn it is queued in (after-io.ts): primaries ready then go first.
   */
  onFinished(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    route: RouteSpec,
    userId: string | null,
  ): void {
    const pending = this.take(req);
    if (pending === undefined) return;
    if (userId === null) return pending.release(); // anonymous traffic is never shadowed
    const exchange = { req, res, ctx, route, userId };
    this.afterIo.run(() => {
      let sent = false;
      try {
        sent = this.send(pending, exchange);
      } finally {
        if (!sent) pending.release();
      }
    });
  }

  close(): void {
    for (const pool of Object.values(this.pools)) void pool.destroy();
  }

  private take(req: IncomingMessage): Pending | undefined {
    const pending = this.pending.get(req);
    this.pending.delete(req);
    return pending;
  }

  /** Re-sends the request to the shadow engine; true when it went out (its place is then released once judged). */
  private send(pending: Pending, exchange: Exchange): boolean {
    const { capture } = pending;
    const { req, res, ctx } = exchange;
    const { config } = this.deps;
    const candidate = ctx.assignment.shadow;
    if (candidate === 'none') return false;
    const baseline = isBaseline(ctx.assignment);
    // A baseline request served by another engine (a fallback) has no floor to give.
    if (baseline && ctx.engine !== candidate) return false;
    const results = baseline ? this.deps.books.baseline : this.deps.books.cross;
    const limit = this.settings.httpBodyLimitBytes;
    const body = capture.requestComplete() ? capture.request.value() : null;
    const raw = capture.response.value();
    const control = raw === null ? null : decodeBody(raw, sentHeader(res, ctx, 'content-encoding'), limit);
    if (body === null || control === null) {
      results.dropped('body_too_large');
      return false;
    }
    const call = ctx.trace?.shadowCall(this.addresses[candidate], baseline);
    void sendShadowRequest(
      {
        base: config.engines[candidate].url,
        method: req.method ?? 'GET',
        target: req.url ?? '/',
        headers: req.headers,
        client: pending.client,
        body,
        inject: call === undefined ? undefined : (headers) => call.inject(headers),
      },
      { dispatcher: this.pools[candidate], deadlines: this.deadlines, bodyLimitBytes: limit },
    ).then((answer) =>
      this.afterIo.run(() => {
        try {
          if (!answer.ok) {
            call?.failed(answer.reason, answer.reason);
            results.dropped(answer.reason);
          } else this.judge(exchange, candidate, control, answer.sample, results, call);
        } finally {
          pending.release();
        }
      }),
    );
    return true;
  }

  private judge(
    exchange: Exchange,
    candidate: Engine,
    control: Buffer,
    sample: HttpResponseSample,
    results: ShadowResults,
    call: EngineCall | undefined,
  ): void {
    const { res, ctx, route, userId } = exchange;
    const contentType = sentHeader(res, ctx, 'content-type');
    const diff = diffHttp(
      {
        status: res.statusCode,
        body: control,
        contentType: typeof contentType === 'string' ? contentType : null,
      },
      sample,
      {
        ignorePaths: [...this.settings.ignorePaths, ...(this.settings.ignorePathsByRoute[route.name] ?? [])],
      },
    );
    call?.finished(sample.status, diff.result);
    results.http(diff, {
      userId,
      route: route.name,
      control: { engine: ctx.engine, status: res.statusCode },
      candidate: { engine: candidate, status: sample.status },
    });
  }
}

/** A header of the primary's answer: the engine's (forwarded as they came), else what the proxy set. */
function sentHeader(
  res: ServerResponse,
  ctx: RequestContext,
  name: string,
): string | string[] | number | undefined {
  return ctx.engineHeaders?.[name] ?? res.getHeader(name);
}
