import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The benchmark's upstream: a fixed 200-byte JSON response, keep-alive. */
const body = JSON.stringify({ engine: 'bench', pad: 'x'.repeat(200 - 28) });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
