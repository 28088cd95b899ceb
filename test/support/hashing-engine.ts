import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
  sha256: string;
  /** The whole body arrived (false: the request was aborted before its end). */
  complete: boolean;
}

export interface HashingEngine {
  url: string;
  seen: Seen[];
  /** The next request to finish or be aborted. */
  next(): Promise<Seen>;
  close(): Promise<void>;
}

/**
 * An engine that reads request bodies without keeping them (a running SHA-256 and a byte count),
 * so that a test of large bodies measures the proxy's memory, not the engine's. It answers
 * complete requests with what it saw, and records aborted ones as incomplete.
 */
export async function startHashingEngine(): Promise<HashingEngine> {
  const seen: Seen[] = [];
  const waiting: Array<(s: Seen) => void> = [];
  const record = (s: Seen): void => {
    seen.push(s);
    waiting.shift()?.(s);
  };
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    const finish = (complete: boolean): void => {
      if (done) return;
      done = true;
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bytes,
        complete,
        sha256: '',
      };
      s.sha256 = hash.digest('hex');
      record(s);
      if (complete) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ bytes, sha256: s.sha256 }));
      }
    };
    req.on('end', () => finish(true));
    req.on('close', () => finish(req.complete));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
