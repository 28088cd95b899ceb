import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface EchoUpstream {
  url: string;
  received: Received[];
  /** Replace the handler's behaviour for the next requests. */
  mode: 'echo' | 'hang' | 'fail';
  close(): Promise<void>;
}

/** A real HTTP server that answers with what it received, stamped with its name. */
export async function startEchoUpstream(name: string): Promise<EchoUpstream> {
  const received: Received[] = [];
  const upstream: EchoUpstream = { url: '', received, mode: 'echo', close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (received.length > 1000) received.shift();
      if (upstream.mode === 'hang') return;
      const status = upstream.mode === 'fail' ? 500 : 200;
      const payload = JSON.stringify({
        engine: name,
        method: req.method,
        url: req.url,
        bodyBytes: Buffer.byteLength(body),
      });
      res.writeHead(status, { 'content-type': 'application/json', 'x-engine': name });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  upstream.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return upstream;
}
