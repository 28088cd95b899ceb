import { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { frameIds } from '../guard/isolation/frame-ids.js';
import type { SessionGuard, Verdict } from '../guard/isolation/session-guard.js';
import { closeCodeLabel, type Metrics } from '../metrics/catalog.js';
import type { Assignment, Engine } from '../routing/types.js';
import { codeForClient, codeForEngine, safeReason } from './close-codes.js';
import { errorFrame } from './error-frame.js';
import type { SessionObserver } from './session-observer.js';
import type { RelayLimits } from './session-options.js';

const RUN_STARTS = new Set([
  'user_message',
  'start_agent',
  'chat_message',
  'user',
  'message',
  'execute_agent',
]);

export interface RelaySessionInit {
  client: WebSocket;
  engine: Engine;
  assignment: Assignment;
  upstreamUrl: string;
  upstreamHeaders: Record<string, string>;
  userId: string | null;
  userHash: string;
  guard: SessionGuard | null;
  limits: RelayLimits;
  metrics: Metrics;
  log: Logger;
  onUpstreamFailure?: (session: RelaySession, status: number | null) => boolean;
  onViolation?: (engine: Engine, evidence: 'user_id' | 'ownership') => void;
}

type Frame = { data: Buffer; isBinary: boolean };

/**
 * One client's WebSocket, relayed to its engine. Frames pass through as the same bytes; engine
 * text frames pass the isolation guard on their way to the client. Closing, back-pressure and
 * liveness behave as if the client were connected to the engine directly.
 */
export class RelaySession {
  readonly openedAt = Date.now();
  engine: Engine;
  inRun = false;
  alive = true;
  closed = false;
  private upstream: WebSocket | null = null;
  private pending: Frame[] = [];
  private pendingBytes = 0;
  private framesIn = 0;
  private framesOut = 0;
  private blocked = 0;
  private engineCloseCode: number | null = null;
  private paused = false;
  private readonly toEngine: Counter.Internal;
  private readonly toClient: Counter.Internal;
  private readonly runEndListeners: Array<() => void> = [];
  observer: SessionObserver | null = null;

  constructor(private readonly init: RelaySessionInit) {
    this.engine = init.engine;
    this.toEngine = init.metrics.wsFrames.labels(init.engine, 'client_to_engine');
    this.toClient = init.metrics.wsFrames.labels(init.engine, 'engine_to_client');
    const client = init.client;
    client.on('message', (data, isBinary) => this.fromClient(data as Buffer, isBinary));
    client.on('pong', () => (this.alive = true));
    client.on('close', (code, reason) => this.onClientClose(code, reason));
    client.on('error', () => undefined);
    init.metrics.wsConnections.labels(init.engine).inc();
    init.log.info(
      { engine: init.engine, reason: init.assignment.reason, user: init.userHash },
      'ws session open',
    );
    this.connect(init.upstreamUrl, init.engine);
  }

  /** Re-targets a session whose engine refused it (fallback to legacy). */
  retarget(engine: Engine, url: string): void {
    this.init.metrics.wsConnections.labels(this.engine).dec();
    this.engine = engine;
    this.init.metrics.wsConnections.labels(engine).inc();
    this.connect(url, engine);
  }

  onRunEnd(listener: () => void): void {
    this.runEndListeners.push(listener);
  }

  ping(): void {
    this.init.client.ping();
  }

  /** A dead link: no close handshake is possible. */
  terminate(): void {
    this.init.client.terminate();
  }

  /** Closes the client (and so the engine socket) with `code`, e.g. 1012 for a rollback drain. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.init.client.close(code, reason);
  }

  private connect(url: string, engine: Engine): void {
    const upstream = new WebSocket(url, {
      headers: this.init.upstreamHeaders,
      maxPayload: this.init.limits.maxPayloadBytes,
      handshakeTimeout: this.init.limits.handshakeTimeoutMs,
      perMessageDeflate: false,
    });
    this.upstream = upstream;
    let opened = false;
    upstream.on('open', () => {
      opened = true;
      for (const f of this.pending) upstream.send(f.data, { binary: f.isBinary });
      this.pending = [];
      this.pendingBytes = 0;
    });
    upstream.on('message', (data, isBinary) => this.fromEngine(data as Buffer, isBinary));
    upstream.on('unexpected-response', (_req, res) => {
      res.resume();
      upstream.emit('error', Object.assign(new Error('refused'), { status: res.statusCode }));
    });
    upstream.on('error', (err: Error & { status?: number }) => {
      if (opened || this.closed) return;
      this.init.metrics.upstreamErrors.labels(engine, err.status === undefined ? 'refused' : 'other').inc();
      if (this.init.onUpstreamFailure?.(this, err.status ?? null) === true) return;
      this.engineCloseCode = 1011;
      this.init.client.close(err.status === 503 ? 1013 : 1011, `${engine} engine unavailable`);
    });
    upstream.on('close', (code, reason) => {
      if (this.upstream !== upstream || !opened) return;
      this.engineCloseCode = code;
      this.init.metrics.wsCloseCodes.labels(engine, closeCodeLabel(code)).inc();
      if (!this.closed) this.init.client.close(codeForClient(code), safeReason(reason));
    });
  }

  private fromClient(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    let type: string | null = null;
    if (!isBinary) {
      const ids = frameIds(data);
      type = ids?.type ?? null;
      if (type !== null && RUN_STARTS.has(type)) this.inRun = true;
      const verdict = this.init.guard?.checkClientFrame(ids);
      if (verdict !== undefined && !verdict.ok) {
        this.init.metrics.isolationViolations.labels(this.engine, 'refuse').inc();
        this.init.client.send(
          errorFrame('ISOLATION_VIOLATION', 'this message names another user and was not sent'),
        );
        return;
      }
    }
    this.framesIn++;
    this.toEngine.inc();
    this.notify((o) => o.onClientFrame(data, isBinary, type, Date.now()));
    const upstream = this.upstream;
    if (upstream !== null && upstream.readyState === WebSocket.OPEN) {
      upstream.send(data, { binary: isBinary });
      return;
    }
    this.pendingBytes += data.length;
    if (
      this.pending.length >= this.init.limits.pendingMaxFrames ||
      this.pendingBytes > this.init.limits.pendingMaxBytes
    ) {
      this.init.client.close(1013, 'too many messages before the engine was ready');
      return;
    }
    this.pending.push({ data, isBinary });
  }

  private fromEngine(data: Buffer, isBinary: boolean): void {
    let verdict: Verdict | undefined;
    if (!isBinary) {
      verdict = this.init.guard?.checkEngineFrame(data);
      if (verdict !== undefined && !verdict.ok) {
        const action = this.init.limits.isolation;
        this.init.metrics.isolationViolations.labels(this.engine, action).inc();
        this.init.onViolation?.(this.engine, verdict.evidence);
        this.init.log.warn(
          { engine: this.engine, user: this.init.userHash, evidence: verdict.evidence, action },
          'isolation violation: a frame for another user',
        );
        this.notify((o) => o.onServedFrame(data, Date.now(), true));
        if (action === 'block') {
          this.blocked++;
          return;
        }
      } else {
        this.notify((o) => o.onServedFrame(data, Date.now(), false));
      }
      if (this.inRun && isTerminal(data, verdict?.ids?.type ?? null)) this.endRun();
    }
    this.framesOut++;
    this.toClient.inc();
    const client = this.init.client;
    client.send(data, { binary: isBinary });
    if (!this.paused && client.bufferedAmount > this.init.limits.highWaterBytes) this.pauseEngine();
  }

  private pauseEngine(): void {
    const upstream = this.upstream;
    const socket = (this.init.client as unknown as { _socket?: NodeJS.EventEmitter })._socket;
    if (upstream === null || socket === undefined) return;
    this.paused = true;
    upstream.pause();
    socket.once('drain', () => {
      this.paused = false;
      if (upstream.readyState === WebSocket.OPEN) upstream.resume();
    });
  }

  private endRun(): void {
    this.inRun = false;
    for (const l of this.runEndListeners) l();
  }

  private onClientClose(code: number, reason: Buffer): void {
    this.closed = true;
    const m = this.init.metrics;
    m.wsConnections.labels(this.engine).dec();
    m.wsSessionDuration.labels(this.engine).observe((Date.now() - this.openedAt) / 1000);
    const upstream = this.upstream;
    if (upstream !== null) {
      if (upstream.readyState === WebSocket.OPEN) upstream.close(codeForEngine(code), safeReason(reason));
      else upstream.terminate();
    }
    this.pending = [];
    this.init.guard?.close();
    this.notify((o) => o.onClose(Date.now()));
    this.observer = null;
    this.init.log.info(
      {
        engine: this.engine,
        user: this.init.userHash,
        clientCode: code,
        engineCode: this.engineCloseCode,
        framesIn: this.framesIn,
        framesOut: this.framesOut,
        blocked: this.blocked,
        seconds: Math.round((Date.now() - this.openedAt) / 100) / 10,
      },
      'ws session closed',
    );
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

function isTerminal(data: Buffer, type: string | null): boolean {
  if (type !== null) return type === 'agent_completed' || type === 'agent_error';
  return data.includes('"agent_completed"') || data.includes('"agent_error"');
}
