import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { HOP_BY_HOP } from '../src/proxy/engine-headers.js';
import { Pool } from '../src/proxy/undici.js';

/**
 * The bare proxy (bare-proxy.ts) with undici's pool as its engine side, as Switchyard's forwarder
 * has: what the listener alone allows, beside the node:http client's ceiling.
 */
const target = new URL(process.env.TARGET ?? 'http://127.0.0.1:1');
const pool = new Pool(target.origin, { connections: 1024 });
const server = createServer((req, res) => {
  const headers: string[] = [];
  for (const name in req.headers)
    if (!HOP_BY_HOP.has(name) && name !== 'expect') headers.push(name, String(req.headers[name]));
  const hasBody =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) req.resume();
  const handler: Dispatcher.DispatchHandler = {
    onResponseStart(_c, status, h) {
      const out: string[] = [];
      for (const name in h) if (!HOP_BY_HOP.has(name)) out.push(name, String(h[name]));
      res.writeHead(status, out);
    },
    onResponseData(c, chunk) {
      if (!res.write(chunk)) {
        c.pause();
        res.once('drain', () => c.resume());
      }
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError() {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    },
  };
  pool.dispatch(
    { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: hasBody ? req : null },
    handler,
  );
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
