import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bytes up to a limit; past it, nothing is kept and `over` says so. */
export class BoundedBytes {
  private chunks: Buffer[] = [];
  private size = 0;
  over = false;

  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    if (this.over) return;
    if (this.size + chunk.length > this.limit) {
      this.over = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The bytes, or null past the limit. */
  value(): Buffer | null {
    return this.over ? null : Buffer.concat(this.chunks, this.size);
  }
}

export interface ExchangeCapture {
  readonly request: BoundedBytes;
  /** True once the whole request body is in (at once when there is none). */
  requestComplete(): boolean;
  readonly response: BoundedBytes;
}

/**
 * Captures, bounded, what an HTTP shadow needs from the primary exchange, without touching its
 * flow: the request body (already read by the proxy, or teed from the stream that the
 * forwarder consumes; the stream is paused until that consumer attaches, so it misses nothing),
 * and the primary response body as it is written to the client. Returns null when the request
 * declares a body over the limit. Only called for shadowed requests on shadow-safe routes.
 */
export function captureExchange(
  req: IncomingMessage,
  res: ServerResponse,
  alreadyRead: Buffer | null,
  limit: number,
): ExchangeCapture | null {
  if (Number(req.headers['content-length'] ?? 0) > limit) return null;
  const request = new BoundedBytes(limit);
  let complete = true;
  if (alreadyRead !== null) request.add(alreadyRead);
  else if (hasBody(req)) {
    complete = false;
    const onData = (chunk: Buffer): void => {
      request.add(chunk);
      if (request.over) req.off('data', onData);
    };
    // Paused until the real consumer attaches (a pipe or a 'data' listener), so that no chunk
    // flows before it is there to get it.
    req.pause();
    const resumeForConsumer = (event: string | symbol): void => {
      if (event !== 'data') return;
      req.off('newListener', resumeForConsumer);
      req.resume();
    };
    req.on('data', onData);
    req.on('newListener', resumeForConsumer);
    req.once('end', () => (complete = true));
  }
  const response = new BoundedBytes(limit);
  teeResponse(res, (chunk) => response.add(chunk));
  return { request, response, requestComplete: () => complete && !request.over };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;
type End = (...args: unknown[]) => ServerResponse;

/** Sees every body chunk written to `res`, then writes it as before. */
function teeResponse(res: ServerResponse, take: (chunk: Buffer) => void): void {
  const write = res.write.bind(res) as Write;
  const end = res.end.bind(res) as End;
  const see = (chunk: unknown, encoding: unknown): void => {
    if (typeof chunk === 'string') {
      take(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    } else if (chunk instanceof Uint8Array) {
      take(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  };
  (res as unknown as { write: Write }).write = (chunk, ...rest) => {
    see(chunk, rest[0]);
    return write(chunk, ...rest);
  };
  (res as unknown as { end: End }).end = (...args) => {
    if (typeof args[0] !== 'function') see(args[0], args[1]);
    return end(...args);
  };
}
