import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When the request had been read in full (ms). */
  at: number;
}

export interface StubAnswer {
  status?: number;
  body?: unknown;
  /** Never answer (the socket stays open until close()). */
  hang?: boolean;
}

export interface JsonStub {
  url: string;
  requests: StubRequest[];
  /** When each answer had been written (ms), in order. */
  answeredAt: number[];
  answer: (req: StubRequest) => StubAnswer;
  close(): Promise<void>;
}

/** An engine stand-in for HTTP: records every request and answers JSON as `answer` says. */
export async function startJsonStub(answer: (req: StubRequest) => StubAnswer): Promise<JsonStub> {
  const stub: JsonStub = { url: '', requests: [], answeredAt: [], answer, close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      stub.requests.push(recorded);
      const reply = stub.answer(recorded);
      if (reply.hang === true) return;
      const body = JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(body, () => stub.answeredAt.push(Date.now()));
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return stub;
}
