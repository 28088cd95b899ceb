import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ScriptedOptions {
  /** Wait this long before accepting each upgrade (client frames must be held meanwhile). */
  acceptDelayMs?: number;
  /** Echo this subprotocol in every handshake, asked for or not. */
  echo?: string;
  /** Answer protocol pings (default true); false plays a dead link. */
  autoPong?: boolean;
  /** Runs on each accepted socket. */
  onConnection?: (socket: WebSocket, req: IncomingMessage) => void;
}

export interface ScriptedEngine {
  url: string;
  /** Frames received, in order, over every socket. */
  received: Array<{ data: Buffer; isBinary: boolean }>;
  sockets: WebSocket[];
  handshakes: number;
  /** Handshakes whose accept delay is over: accepted, or found abandoned by the proxy. */
  settled: number;
  close(): Promise<void>;
}

/** A bare engine stand-in whose behaviour a test writes: for what the reference engines never do. */
export async function startScriptedEngine(options: ScriptedOptions = {}): Promise<ScriptedEngine> {
  const wss = new WebSocketServer({ noServer: true, autoPong: options.autoPong ?? true });
  const server = createServer((_req, res) => res.writeHead(404).end());
  const engine: ScriptedEngine = {
    url: '',
    received: [],
    sockets: [],
    handshakes: 0,
    settled: 0,
    close: async () => {},
  };
  if (options.echo !== undefined) {
    const echo = options.echo;
    wss.on('headers', (headers) => headers.push(`Sec-WebSocket-Protocol: ${echo}`));
  }
  const waiting = new Map<NodeJS.Timeout, Duplex>();
  server.on('upgrade', (req, socket, head) => {
    engine.handshakes++;
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.destroy());
    const timer = setTimeout(() => {
      waiting.delete(timer);
      if (socket.destroyed) return void engine.settled++;
      wss.handleUpgrade(req, socket, head, (ws) => {
        engine.settled++;
        engine.sockets.push(ws);
        ws.on('error', () => undefined);
        ws.on('message', (data, isBinary) => engine.received.push({ data: data as Buffer, isBinary }));
        options.onConnection?.(ws, req);
      });
    }, options.acceptDelayMs ?? 0);
    waiting.set(timer, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  engine.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  engine.close = () =>
    new Promise((resolve) => {
      for (const [timer, socket] of waiting) {
        clearTimeout(timer);
        socket.destroy();
      }
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return engine;
}
