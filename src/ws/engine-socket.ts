import { WebSocket } from 'ws';
import type { UpstreamErrorReason } from '../metrics/catalog.js';
import { classifyUpstreamError } from '../proxy/upstream-error.js';

export interface EngineSocketEvents {
  onOpen(socket: WebSocket): void;
  onMessage(data: Buffer, isBinary: boolean): void;
  onPong(): void;
  /** The connect failed: refused with an HTTP status, or not reached (status null). Once, never after onOpen. */
  onRefused(status: number | null, reason: UpstreamErrorReason): void;
  /** Closed after it had opened; `tooBig` when the engine sent a frame over the size limit. */
  onClosed(code: number, reason: Buffer, tooBig: boolean): void;
}

export interface EngineSocketLimits {
  maxPayloadBytes: number;
  handshakeTimeoutMs: number;
}

/**
 * The proxy's socket to the serving engine. It offers no subprotocol (the engine gets the JWT
 * in the Authorization header), and ignores whatever subprotocol the engine echoes: the client's
 * echo is the proxy's own choice (PITFALLS.md, "WebSocket").
 */
export function openEngineSocket(
  url: string,
  headers: Record<string, string>,
  limits: EngineSocketLimits,
  events: EngineSocketEvents,
): WebSocket {
  const socket = new WebSocket(url, {
    headers,
    maxPayload: limits.maxPayloadBytes,
    handshakeTimeout: limits.handshakeTimeoutMs,
    perMessageDeflate: false,
  });
  let opened = false;
  let failed = false;
  let status: number | null = null;
  let tooBig = false;
  const refused = (reason: UpstreamErrorReason): void => {
    if (opened || failed) return;
    failed = true;
    events.onRefused(status, reason);
  };
  // ws checks the echo after this event; an echo the proxy did not ask for must not fail it.
  socket.on('upgrade', (res) => delete res.headers['sec-websocket-protocol']);
  socket.on('unexpected-response', (_req, res) => {
    status = res.statusCode ?? 502;
    res.resume();
    refused('refused');
    socket.terminate();
  });
  socket.on('open', () => {
    opened = true;
    events.onOpen(socket);
  });
  socket.on('message', (data, isBinary) => events.onMessage(data as Buffer, isBinary));
  socket.on('pong', () => events.onPong());
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (opened) {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') tooBig = true;
      return;
    }
    const timedOut = err.message.includes('timed out');
    refused(classifyUpstreamError(err.code, timedOut).reason);
  });
  socket.on('close', (code, reason) => {
    if (opened) events.onClosed(code, reason, tooBig);
    else refused('other');
  });
  return socket;
}
