import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyMiddleware } from 'http-proxy-middleware';

/** http-proxy-middleware alone on a bare node:http server with a keep-alive agent: no features. */
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
const proxy = createProxyMiddleware({ target: process.env.TARGET ?? 'http://127.0.0.1:1', agent });
const server = createServer((req, res) => void proxy(req, res));
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
