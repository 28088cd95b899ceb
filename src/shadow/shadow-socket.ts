import { WebSocket } from 'ws';

/** Why the proxy gave up a shadow socket (a fixed set: `switchyard_shadow_dropped_total` reasons). */
export type SocketFailure = 'connect_failed' | 'timeout' | 'buffer_full' | 'flood';

export interface ShadowSocketLimits {
  connectTimeoutMs: number;
  maxPayloadBytes: number;
  /** Client frames held while the socket opens. */
  bufferFrames: number;
  /** Bytes held while the socket opens, and bytes unsent on it once open. */
  bufferBytes: number;
  /** More frames than this from the engine within one second is a flood. */
  maxFramesPerSecond: number;
}

export interface ShadowSocketEvents {
  onFrame(data: Buffer, isBinary: boolean): void;
  /** Given up by the proxy (or never opened); already terminated. At most once, never after onClosed. */
  onFailed(reason: SocketFailure, opened: boolean): void;
  /** The engine (or the network) closed the socket after it had opened. */
  onClosed(code: number): void;
}

/**
 * The proxy's socket to the shadow engine. Nothing on it can reach the client: it has no
 * reference to the client's socket. Every way it can misbehave is bounded: a connect deadline
 * (checked by the caller's sweep, not by a timer of its own), a cap on what waits to be sent,
 * a frame size cap and a frame rate cap; crossing one terminates it and reports why, once.
 */
export class ShadowSocket {
  private readonly ws: WebSocket;
  private readonly startedAt: number;
  private queue: Array<{ data: Buffer; isBinary: boolean }> = [];
  private queuedBytes = 0;
  private opened = false;
  private done = false;
  private windowStart = 0;
  private windowFrames = 0;

  constructor(
    url: string,
    headers: Record<string, string>,
    private readonly limits: ShadowSocketLimits,
    private readonly events: ShadowSocketEvents,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    const ws = new WebSocket(url, { headers, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false });
    this.ws = ws;
    ws.on('open', () => this.onOpen());
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('error', () => {
      if (!this.opened) this.fail('connect_failed');
    });
    ws.on('close', (code) => {
      if (this.done) return;
      this.done = true;
      this.queue = [];
      if (this.opened) this.events.onClosed(code);
      else this.events.onFailed('connect_failed', false);
    });
  }

  get isOpen(): boolean {
    return this.opened && !this.done;
  }

  /** Copies a client frame; false when the socket is (now) given up. */
  send(data: Buffer, isBinary: boolean): boolean {
    if (this.done) return false;
    if (!this.opened) {
      this.queuedBytes += data.length;
      if (this.queue.length >= this.limits.bufferFrames || this.queuedBytes > this.limits.bufferBytes) {
        this.fail('buffer_full');
        return false;
      }
      this.queue.push({ data, isBinary });
      return true;
    }
    if (this.ws.bufferedAmount + data.length > this.limits.bufferBytes) {
      this.fail('buffer_full');
      return false;
    }
    this.ws.send(data, { binary: isBinary });
    return true;
  }

  /** Gives up a socket that has not opened within the connect deadline. */
  checkDeadline(now: number): void {
    if (!this.opened && !this.done && now - this.startedAt >= this.limits.connectTimeoutMs) {
      this.fail('timeout');
    }
  }

  /** Ends the socket from our side (the client left); reports nothing. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.queue = [];
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'client left');
    else this.ws.terminate();
  }

  private onOpen(): void {
    if (this.done) return;
    this.opened = true;
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    for (const frame of queued) if (!this.send(frame.data, frame.isBinary)) return;
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.done) return;
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowFrames = 0;
    }
    if (++this.windowFrames > this.limits.maxFramesPerSecond) {
      this.fail('flood');
      return;
    }
    this.events.onFrame(data, isBinary);
  }

  private fail(reason: SocketFailure): void {
    if (this.done) return;
    this.done = true;
    this.queue = [];
    this.ws.terminate();
    this.events.onFailed(reason, this.opened);
  }
}
