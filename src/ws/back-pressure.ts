import type { WebSocket } from 'ws';

/**
 * Engine -> client writes with back-pressure: when the bytes buffered towards the client would
 * pass the high-water mark, the proxy stops reading from the engine until that frame has been
 * flushed to the client's socket, then reads again.
 */
export class ClientWriter {
  private paused = false;

  constructor(
    private readonly client: WebSocket,
    private readonly highWaterBytes: number,
    private readonly engine: () => WebSocket | null,
  ) {}

  get enginePaused(): boolean {
    return this.paused;
  }

  send(data: Buffer, isBinary: boolean): void {
    const client = this.client;
    if (this.paused || client.bufferedAmount + data.length <= this.highWaterBytes) {
      client.send(data, { binary: isBinary });
      return;
    }
    this.paused = true;
    this.engine()?.pause();
    client.send(data, { binary: isBinary }, () => this.resume());
  }

  /** Reads from the engine again (also before closing it, or its close reply is never read). */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.engine()?.resume();
  }
}
