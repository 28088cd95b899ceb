import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createTokenVerifier } from './access-token.js';
import { pushBounded } from './bounded.js';
import { createHttpHandler } from './http/handler.js';
import { createRoutes } from './http/routes.js';
import { createThreadStore } from './http/threads.js';
import { createLegacyRunner } from './runs/legacy-runner.js';
import { createUserRunner } from './runs/user-runner.js';
import { newId, shortHex } from './stamps.js';
import type { EngineOptions, RunningEngine } from './types.js';
import { Session } from './ws/session.js';
import { chooseSubprotocol } from './ws/subprotocol.js';
import { createUpgradeHandler } from './ws/upgrade.js';

const DEFAULT_HEARTBEAT_MS = 30_000;
const MAX_FRAME_BYTES = 1024 * 1024;
/** The `requests` and `handshakes` logs keep this many entries. */
const RECORD_LIMIT = 500;

/**
 * Starts one reference engine: the composition root that wires the HTTP routes, the
 * WebSocket handshake and the engine's runner around one `RunningEngine`, whose `faults` are
 * read at the moment each one matters.
 */
export async function startEngine(opts: EngineOptions): Promise<RunningEngine> {
  const { kind, tickets } = opts;
  const host = opts.host ?? '127.0.0.1';
  const serverId = `${kind}-engine-${shortHex()}`;
  const verify = createTokenVerifier(opts.jwtSecret);
  const faults = () => engine.faults;
  const runner = kind === 'legacy' ? createLegacyRunner(faults) : createUserRunner(faults);
  const sessions = new Set<Session>();
  const pending = new Set<Duplex>();
  let closing: Promise<void> | null = null;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (offered) => chooseSubprotocol(engine.faults.echoSubprotocol, offered),
  });
  const server = createServer(
    createHttpHandler({
      kind,
      routes: createRoutes({ tickets, threads: createThreadStore() }),
      verify,
      faults,
      record: (request) => pushBounded(engine.requests, request, RECORD_LIMIT),
      hostname: () => `${urlHost(host)}:${engine.port}`,
    }),
  );
  server.on(
    'upgrade',
    createUpgradeHandler({
      kind,
      serverId,
      wss,
      verify,
      tickets,
      faults,
      record: (handshake) => pushBounded(engine.handshakes, handshake, RECORD_LIMIT),
      pending,
      isClosing: () => closing !== null,
      onSignedIn: (socket, userId) => {
        const deps = {
          kind,
          runner,
          serverId,
          heartbeatMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
          connectionId: newId('conn'),
        };
        sessions.add(new Session(socket, userId, deps, (s) => sessions.delete(s)));
      },
    }),
  );

  const port = await listen(server, opts.port ?? 0, host);
  const engine: RunningEngine = {
    kind,
    url: `http://${urlHost(host)}:${port}`,
    port,
    faults: opts.faults ?? {},
    requests: [],
    handshakes: [],
    openSockets: () => wss.clients.size,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
  return engine;

  async function shutdown(): Promise<void> {
    for (const socket of pending) socket.destroy();
    for (const session of [...sessions]) session.dispose();
    for (const socket of wss.clients) socket.terminate();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    wss.close();
    await closed;
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
