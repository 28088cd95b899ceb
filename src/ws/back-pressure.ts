import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Back-pressure both ways, with one high-water mark. Engine -> client: when the bytes buffered
 * towards the client would pass it, the proxy stops reading from the engine until that frame
 * has been flushed to the client's socket. Client -> engine: the same with the roles swapped,
 * so a client flooding an engine that does not read holds at most about one bound in the proxy.
 */
export class ClientWriter {
  private paused = false;
  private clientHeld = false;
  private corked = false;

  constructor(
    private readonly client: WebSocket,
    private readonly highWaterBytes: number,
    private readonly engine: () => WebSocket | null,
    /** The client's raw socket (the upgrade's), when known: lets send() batch writes. */
    private readonly clientSocket?: Duplex,
  ) {
    // Closing a paused client would wait (ws: 30 s) for a close reply the proxy is not reading.
    const close = client.close.bind(client);
    client.close = (code?: number, reason?: string | Buffer) => {
      this.resumeClient();
      close(code, reason);
    };
  }

  get enginePaused(): boolean {
    return this.paused;
  }

  /** True while the proxy has stopped reading from the client because the engine is behind. */
  get clientPaused(): boolean {
    return this.clientHeld;
  }

  send(data: Buffer, isBinary: boolean): void {
    const client = this.client;
    this.batchWrites();
    if (this.paused || client.bufferedAmount + data.length <= this.highWaterBytes) {
      client.send(data, { binary: isBinary });
      return;
    }
    this.paused = true;
    this.engine()?.pause();
    client.send(data, { binary: isBinary }, () => this.resume());
  }

  /**
   * Frames the engine sent in one read are written to the client in one writev: the socket is
   * corked until the end of this tick (ws emits every frame of a read synchronously). Measured on
   * the bench's flood: without it one syscall per frame was ~40% of the relay's CPU. Only while
   * the client keeps up: a socket already behind batches its queued writes by itself, and the
   * back-pressure above then sees the same buffered amounts as without the cork.
   */
  private batchWrites(): void {
    const socket = this.clientSocket;
    if (socket === undefined || this.corked || this.paused || this.client.bufferedAmount > 0) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  /** A client frame to the engine (frames already read while paused still go through). */
  toEngine(engine: WebSocket, data: Buffer, isBinary: boolean): void {
    const closing = this.client.readyState !== this.client.OPEN;
    if (this.clientHeld || closing || engine.bufferedAmount + data.length <= this.highWaterBytes) {
      engine.send(data, { binary: isBinary });
      return;
    }
    this.clientHeld = true;
    this.client.pause();
    engine.send(data, { binary: isBinary }, () => this.resumeClient());
  }

  /** Reads from the engine again (also before closing it, or its close reply is never read). */
  resume(): void {
    this.resumeClient();
    if (!this.paused) return;
    this.paused = false;
    this.engine()?.resume();
  }

  private resumeClient(): void {
    if (!this.clientHeld) return;
    this.clientHeld = false;
    this.client.resume();
  }
}
