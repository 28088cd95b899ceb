import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/**
 * The benchmark's upstream: a fixed 200-byte JSON response over HTTP, and over WebSocket a
 * flood of ~200-byte TEXT frames shaped like engine events (PROTOCOL.md) on
 * `{"type":"flood","n":N,"user":U}`, and an echo of anything else.
 */
// BENCH_BODY_PAD: another character makes a second upstream whose answers a shadow comparison calls a mismatch.
const body = JSON.stringify({ engine: 'bench', pad: (process.env.BENCH_BODY_PAD ?? 'x').repeat(200 - 28) });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? '' : (data as Buffer).toString();
    if (!text.startsWith('{"type":"flood"')) return void ws.send(data, { binary: isBinary });
    const { n, user } = JSON.parse(text) as { n: number; user: string };
    const frame = Buffer.from(
      JSON.stringify({
        type: 'agent_thinking',
        timestamp: '2025-09-10T20:01:02.123456',
        data: {
          run_id: `run_${user}_1`,
          thread_id: `thread_${user}`,
          user_id: user,
          thought: 'x'.repeat(60),
        },
      }),
    );
    for (let i = 0; i < n; i++) ws.send(frame, { binary: false });
  });
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
