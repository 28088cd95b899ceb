import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A shadow engine that accepts requests and never answers. */
const server = createServer((req) => req.resume());
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
