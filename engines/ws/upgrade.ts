import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { TokenVerifier } from '../access-token.js';
import type { EngineFaults, EngineKind, RecordedHandshake, TicketStore } from '../types.js';
import { findCredential, resolveIdentity } from './credential.js';
import { errorFrame } from './system-frames.js';

export const WS_PATHS: ReadonlySet<string> = new Set([
  '/ws',
  '/websocket',
  '/ws/test',
  '/ws/factory',
  '/ws/isolated',
]);

export interface UpgradeContext {
  kind: EngineKind;
  serverId: string;
  wss: WebSocketServer;
  verify: TokenVerifier;
  tickets: TicketStore;
  faults: () => EngineFaults;
  record: (handshake: RecordedHandshake) => void;
  /** Sockets whose sign-in is being checked, so shutdown can destroy them. */
  pending: Set<Duplex>;
  isClosing: () => boolean;
  onSignedIn: (socket: WebSocket, userId: string) => void;
}

/**
 * A handshake, as the backend does it: record it, refuse unknown paths (404) and, if asked,
 * every upgrade (503); check the sign-in; then accept the socket in any case, and on a bad or
 * missing credential send an AUTH_FAILED error frame and close with 1008.
 */
export function createUpgradeHandler(
  ctx: UpgradeContext,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => void upgrade(ctx, req, socket, head).catch(() => socket.destroy());
}

async function upgrade(
  ctx: UpgradeContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  ctx.record({ path: req.url ?? '/', headers: { ...req.headers } });
  const pathname = new URL(req.url ?? '/', 'http://engine').pathname;
  if (!WS_PATHS.has(pathname)) return refuse(socket, 404, ctx.kind);
  if (ctx.faults().refuseWebSocket === true) return refuse(socket, 503, ctx.kind);

  const destroy = (): void => void socket.destroy();
  socket.on('error', destroy);
  ctx.pending.add(socket);
  const identity = await resolveIdentity(findCredential(req), ctx.verify, ctx.tickets).finally(() => {
    ctx.pending.delete(socket);
    socket.off('error', destroy);
  });
  if (ctx.isClosing() || socket.destroyed) return destroy();

  ctx.wss.handleUpgrade(req, socket, head, (ws) => {
    if (identity.ok) return ctx.onSignedIn(ws, identity.userId);
    ws.on('error', () => ws.terminate());
    ws.send(JSON.stringify(errorFrame('AUTH_FAILED', identity.reason, ctx.serverId)));
    ws.close(1008, 'Authentication failed');
  });
}

function refuse(socket: Duplex, status: number, kind: EngineKind): void {
  const body = JSON.stringify({ detail: STATUS_CODES[status], engine: kind });
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\nx-engine: ${kind}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
