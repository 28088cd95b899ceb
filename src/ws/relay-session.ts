import { WebSocket } from 'ws';
import { closeCodeLabel, type UpstreamErrorReason } from '../metrics/catalog.js';
import type { Engine, Reason } from '../routing/types.js';
import { ATTR, EVENT } from '../tracing/attributes.js';
import type { SessionTrace } from '../tracing/ws-trace.js';
import { codeForClient, codeForEngine, safeReason } from './close-codes.js';
import { openEngineSocket } from './engine-socket.js';
import { errorFrame } from './error-frame.js';
import { ClientWriter } from './back-pressure.js';
import { IsolationFilter } from './isolation-filter.js';
import { Listeners } from './listeners.js';
import { PendingQueue } from './pending-queue.js';
import { SessionStats } from './session-stats.js';
import { RunTracker } from './run-tracker.js';
import type { SessionObserver } from './session-observer.js';
import type { RelaySessionInit } from './session-options.js';

/**
 * One client's WebSocket, relayed to its engine. Frames pass through as the same bytes; engine
 * frames (text and binary) pass the isolation guard on their way to the client, client frames on
 * their way to the engine. Closing, back-pressure and
 * liveness behave as if the client were connected to the engine directly.
 */
export class RelaySession {
  readonly openedAt = Date.now();
  engine: Engine;
  reason: Reason;
  closed = false;
  observer: SessionObserver | null = null;
  readonly runs = new RunTracker();
  /** The session's run spans and events, when tracing is on (set by the gateway). */
  private traced: SessionTrace | null = null;
  private upstream: WebSocket | null = null;
  private readonly pending: PendingQueue;
  private readonly closeListeners = new Listeners();
  private clientSeenAt = Date.now();
  private engineSeenAt = Date.now();
  private readonly writer: ClientWriter;
  private readonly isolation: IsolationFilter;
  private readonly stats: SessionStats;
  private engineFailed = false;
  private delayedClose: NodeJS.Timeout | null = null;

  constructor(private readonly init: RelaySessionInit) {
    this.engine = init.engine;
    this.reason = init.assignment.reason;
    this.pending = new PendingQueue(init.limits.pendingMaxFrames, init.limits.pendingMaxBytes);
    this.stats = new SessionStats(init.metrics, init.engine);
    const client = init.client;
    this.writer = new ClientWriter(
      client,
      init.limits.highWaterBytes,
      () => this.upstream,
      init.clientSocket,
    );
    this.isolation = new IsolationFilter(init);
    client.on('message', (data, isBinary) => this.fromClient(data as Buffer, isBinary));
    client.on('pong', () => (this.clientSeenAt = Date.now()));
    client.on('close', (code, reason) => this.onClientClose(code, reason));
    client.on('error', () => undefined);
    init.log.info({ engine: init.engine, reason: this.reason, user: init.userHash }, 'ws session open');
    this.connect(init.upstreamUrl, init.engine);
  }

  /** True while the proxy has stopped reading from the engine because the client is behind. */
  get enginePaused(): boolean {
    return this.writer.enginePaused;
  }

  /** Client frames held until the engine socket opens. */
  get pendingFrames(): number {
    return this.pending.length;
  }

  get trace(): SessionTrace | null {
    return this.traced;
  }

  set trace(trace: SessionTrace | null) {
    this.traced = trace;
    this.runs.observer = trace;
  }

  /** Re-targets a session whose engine refused it (fallback to legacy, reason `fallback`). */
  retarget(engine: Engine, url: string): void {
    this.stats.moved(engine);
    this.init.log.warn({ from: this.engine, to: engine, user: this.init.userHash }, 'ws session fallback');
    this.engine = engine;
    this.reason = 'fallback';
    this.traced?.retargeted(engine);
    this.connect(url, engine);
  }

  /** Called once when the client's socket has closed; returns the remover. */
  onClose(listener: () => void): () => void {
    return this.closeListeners.add(listener);
  }

  /** Closes the client (and so the engine socket) with `code`, e.g. 1012 for a rollback drain. */
  close(code: number, reason: string | Buffer): void {
    if (this.closed) return;
    this.init.client.close(code, reason);
  }

  /** An engine failure closes the client, but never before the session is minSessionMs old. */
  private closeForEngine(code: number, reason: string | Buffer): void {
    if (this.closed || this.delayedClose !== null) return;
    const wait = this.openedAt + this.init.limits.minSessionMs - Date.now();
    if (wait <= 0) return this.close(code, reason);
    this.delayedClose = setTimeout(() => {
      this.delayedClose = null;
      this.close(code, reason);
    }, wait);
  }

  /** Called by the liveness sweeper: a silent side is dead, the others are pinged. */
  checkLiveness(now: number, idleTimeoutMs: number): void {
    if (this.closed) return;
    const client = this.init.client;
    if (now - this.clientSeenAt > idleTimeoutMs) return client.terminate();
    client.ping();
    const up = this.upstream;
    if (up === null || up.readyState !== WebSocket.OPEN) return;
    // While paused the proxy reads nothing from the engine, pongs included: that is not silence.
    if (this.writer.enginePaused) this.engineSeenAt = now;
    else if (now - this.engineSeenAt > idleTimeoutMs) return up.terminate();
    up.ping();
  }

  private connect(url: string, engine: Engine): void {
    const up: WebSocket = openEngineSocket(url, this.init.upstreamHeaders, this.init.limits, {
      onOpen: () => {
        this.engineSeenAt = Date.now();
        this.pending.flush((f) => up.send(f.data, { binary: f.isBinary }));
      },
      onMessage: (data, isBinary) => this.fromEngine(data, isBinary),
      onPong: () => (this.engineSeenAt = Date.now()),
      onRefused: (status, reason) => this.onRefused(engine, status, reason),
      onClosed: (code, reason, tooBig) => {
        if (this.upstream !== up) return;
        this.stats.engineCode = code;
        if (code === 1011 || code === 1006) this.engineFailed = true;
        this.init.metrics.wsCloseCodes.labels(engine, closeCodeLabel(code)).inc();
        if (tooBig) this.close(1009, 'engine message too big');
        else this.closeForEngine(codeForClient(code), safeReason(reason));
      },
    });
    this.upstream = up;
  }

  private onRefused(engine: Engine, status: number | null, reason: UpstreamErrorReason): void {
    if (this.closed) return;
    this.init.metrics.upstreamErrors.labels(engine, reason).inc();
    if (this.init.onUpstreamFailure?.(this, status) === true) return;
    this.stats.engineCode = status;
    this.engineFailed = true;
    const overloaded = status === 503 || status === 429;
    this.closeForEngine(overloaded ? 1013 : 1011, `${engine} engine unavailable`);
  }

  private fromClient(data: Buffer, isBinary: boolean): void {
    this.clientSeenAt = Date.now();
    if (this.closed) return;
    const verdict = this.isolation.clientFrame(data, isBinary, this.engine);
    if (verdict.refused) {
      this.traced?.event(EVENT.isolationRefuse, { [ATTR.engine]: this.engine });
      const text = 'this message names another user and was not sent';
      return this.init.client.send(errorFrame('ISOLATION_VIOLATION', text));
    }
    const type = isBinary ? null : verdict.type;
    const up = this.upstream;
    const open = up !== null && up.readyState === WebSocket.OPEN;
    if (!open) {
      if (up !== null && up.readyState !== WebSocket.CONNECTING) return; // the engine is gone
      if (!this.pending.push(data, isBinary))
        return this.close(1013, 'too many messages before the engine was ready');
    }
    if (!isBinary) this.runs.clientFrame(type);
    this.stats.clientFrame();
    // The engine first, then the shadow's copy: a shadow engine sharing a host (or a process)
    // with the serving one then starts on the frame after the serving one does.
    if (open) this.writer.toEngine(up, data, isBinary);
    this.notify((o) => o.onClientFrame(data, isBinary, type, Date.now()));
  }

  private fromEngine(data: Buffer, isBinary: boolean): void {
    this.engineSeenAt = Date.now();
    if (this.closed) return;
    const verdict = this.isolation.engineFrame(data, isBinary, this.engine);
    if (!isBinary) this.notify((o) => o.onServedFrame(data, Date.now(), verdict.leaked));
    if (!verdict.deliver) return this.stats.blockedFrame();
    this.stats.engineFrame();
    this.writer.send(data, isBinary);
    // After the send: a drain waiting for this run's end closes behind its terminal event.
    if (!verdict.leaked && !isBinary) this.runs.engineFrame(data, verdict.type);
  }

  private onClientClose(code: number, reason: Buffer): void {
    this.closed = true;
    if (this.delayedClose !== null) clearTimeout(this.delayedClose);
    this.init.onEnded?.(this.engine, this.engineFailed);
    const summary = this.stats.closed(this.openedAt);
    const up = this.upstream;
    if (up !== null) {
      this.writer.resume(); // or the engine's close reply is never read
      if (up.readyState === WebSocket.OPEN) up.close(codeForEngine(code), safeReason(reason));
      else up.terminate();
    }
    this.pending.clear();
    this.init.guard?.close();
    this.notify((o) => o.onClose(Date.now()));
    this.observer = null;
    this.closeListeners.emit();
    this.closeListeners.clear();
    this.runs.dispose();
    this.traced?.close();
    this.init.log.info({ ...summary, user: this.init.userHash, clientCode: code }, 'ws session closed');
  }

  private notify(call: (o: SessionObserver) => void): void {
    const o = this.observer;
    if (o === null) return;
    try {
      call(o);
    } catch (err) {
      this.observer = null;
      this.init.log.error({ err: (err as Error).message }, 'session observer failed; detached');
    }
  }
}
