import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * The benchmark's upstream: a fixed 200-byte JSON response over HTTP, and over WebSocket, on
 * `{"type":"user_message","flood":N,"user":U}` (a run start), one run of N ~250-byte TEXT frames
 * shaped like engine events (PROTOCOL.md), the last one its `agent_completed`; an echo of
 * anything else.
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
const FLOOD_BATCH = 1000;
/** The frames of one run, as an engine streams them: in batches, and no more once the socket is gone. */
function flood(ws: WebSocket, n: number, user: string): void {
  const event = (type: string) =>
    Buffer.from(
      JSON.stringify({
        type,
        timestamp: '2025-09-10T20:01:02.123456',
        data: {
          run_id: `run_${user}_1`,
          thread_id: `thread_${user}`,
          user_id: user,
          ...(type === 'agent_completed' ? { status: 'completed' } : { thought: 'x'.repeat(60) }),
        },
      }),
    );
  const frame = event('agent_thinking');
  const last = event('agent_completed');
  let sent = 0;
  const batch = (): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    for (const end = Math.min(n - 1, sent + FLOOD_BATCH); sent < end; sent++)
      ws.send(frame, { binary: false });
    if (sent < n - 1) return void setImmediate(batch);
    ws.send(last, { binary: false });
  };
  batch();
}
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? '' : (data as Buffer).toString();
    if (!text.includes('"flood"')) return void ws.send(data, { binary: isBinary });
    const { flood: n, user } = JSON.parse(text) as { flood: number; user: string };
    flood(ws, n, user);
  });
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => process.exit(0));
