import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A shadow engine that misbehaves on purpose; `url` is its http:// base. */
export interface FailingEngine {
  url: string;
  /** Connections (TCP) or sockets (WebSocket) it has accepted. */
  accepted(): number;
  close(): Promise<void>;
}

/** Accepts TCP connections and never answers anything: no handshake, no HTTP response. */
export async function startHangingServer(): Promise<FailingEngine> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: TcpServer = createTcpServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => accepted,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A WebSocket engine that accepts every socket and then either floods it (`frames` frames as
 * fast as it can) or stays silent for ever (frames: 0), ignoring what it is sent.
 */
export async function startWsStub(frames: number, frameBytes = 64): Promise<FailingEngine> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let accepted = 0;
  const frame = JSON.stringify({ type: 'agent_thinking', payload: { reasoning: 'x'.repeat(frameBytes) } });
  wss.on('connection', (ws: WebSocket) => {
    accepted++;
    ws.on('error', () => undefined);
    for (let i = 0; i < frames && ws.readyState === ws.OPEN; i++) ws.send(frame);
  });
  return {
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    accepted: () => accepted,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** An address where nothing listens. */
export async function closedPortUrl(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
