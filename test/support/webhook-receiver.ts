import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

/** One webhook as the receiver got it. */
export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  body: string;
  json: any;
}

/** What to answer a request (the n-th, 0-based): a status (and headers), or never answer. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export interface WebhookReceiver {
  url: string;
  /** Every request, in the order it arrived (answered or not). */
  received: ReceivedWebhook[];
  /** Requests still waiting for an answer ('hang'). */
  hanging(): number;
  close(): Promise<void>;
}

/** A real node:http webhook receiver on 127.0.0.1, port 0. */
export async function startReceiver(
  answer: (index: number, json: any) => Answer = () => ({ status: 200 }),
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiting = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const index = received.length;
      const json = JSON.parse(body);
      received.push({ headers: req.headers, body, json });
      const a = answer(index, json);
      if (a === 'hang') {
        waiting.add(res);
        res.on('close', () => waiting.delete(res));
        return;
      }
      res.writeHead(a.status, a.headers).end('ok');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/switchyard`,
    received,
    hanging: () => waiting.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
