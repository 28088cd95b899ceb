export interface HeldFrame {
  data: Buffer;
  isBinary: boolean;
}

/**
 * Client frames that arrive before the engine socket is open (the web client flushes its queue
 * and a `session_restore` at once), kept in order, bounded in count and bytes.
 */
export class PendingQueue {
  private frames: HeldFrame[] = [];
  private bytes = 0;

  constructor(
    private readonly maxFrames: number,
    private readonly maxBytes: number,
  ) {}

  /** Keeps the frame; false (and the frame is not kept) when it would pass a limit. */
  push(data: Buffer, isBinary: boolean): boolean {
    if (this.frames.length >= this.maxFrames || this.bytes + data.length > this.maxBytes) return false;
    this.frames.push({ data, isBinary });
    this.bytes += data.length;
    return true;
  }

  /** Hands every held frame, oldest first, to `send`, and forgets them. */
  flush(send: (frame: HeldFrame) => void): void {
    const frames = this.frames;
    this.clear();
    for (const f of frames) send(f);
  }

  clear(): void {
    this.frames = [];
    this.bytes = 0;
  }

  get length(): number {
    return this.frames.length;
  }
}
