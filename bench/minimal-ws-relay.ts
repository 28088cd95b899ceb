import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/**
 * The WebSocket ceiling for any terminating Node relay: each client socket gets its own engine
 * socket, every frame is parsed once (`JSON.parse`, as any relay that looks at frames must) and
 * sent on as the same bytes. No checks, no metrics, no logging.
 */
const target = (process.env.TARGET ?? 'http://127.0.0.1:1').replace('http', 'ws');
const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });
const parse = (data: Buffer, isBinary: boolean): void => {
  if (!isBinary) JSON.parse(data.toString());
};
wss.on('connection', (client, req) => {
  const pending: Array<[Buffer, boolean]> = [];
  const up = new WebSocket(`${target}${req.url ?? '/'}`, {
    headers: { authorization: req.headers.authorization ?? '' },
    perMessageDeflate: false,
  });
  up.on('open', () => pending.splice(0).forEach(([d, b]) => up.send(d, { binary: b })));
  up.on('message', (data: Buffer, isBinary) => {
    parse(data, isBinary);
    client.send(data, { binary: isBinary });
  });
  client.on('message', (data: Buffer, isBinary) => {
    parse(data, isBinary);
    if (up.readyState === WebSocket.OPEN) up.send(data, { binary: isBinary });
    else pending.push([data, isBinary]);
  });
  up.on('close', () => client.close());
  client.on('close', () => up.close());
  up.on('error', () => client.terminate());
  client.on('error', () => up.terminate());
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
