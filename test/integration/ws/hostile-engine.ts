import type { IncomingHttpHeaders } from 'node:http';
import type { WebSocket } from 'ws';
import { startScriptedEngine, type ScriptedEngine } from './scripted-engine.js';

/**
 * An engine that no one on the project would write: it answers each run start with the user's
 * own `agent_started` (so runs and threads are confirmed the normal way), and lets the test send
 * anything to any user's socket. It records each handshake's address and headers.
 */
export interface HostileEngine extends ScriptedEngine {
  /** The latest socket of each user (the JWT's `sub`). */
  byUser: Map<string, WebSocket>;
  handshakeUrls: string[];
  handshakeHeaders: IncomingHttpHeaders[];
}

export const WELCOME = JSON.stringify({ type: 'system_message', data: { event: 'connection_established' } });

export async function startHostileEngine(): Promise<HostileEngine> {
  const byUser = new Map<string, WebSocket>();
  const handshakeUrls: string[] = [];
  const handshakeHeaders: IncomingHttpHeaders[] = [];
  const engine = await startScriptedEngine({
    onConnection: (socket, req) => {
      handshakeUrls.push(req.url ?? '');
      handshakeHeaders.push(req.headers);
      const user =
        subject(req.headers.authorization) ??
        `ticket:${new URL(req.url ?? '/', 'http://e').searchParams.get('ticket')}`;
      byUser.set(user, socket);
      socket.send(WELCOME);
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        const frame = JSON.parse((data as Buffer).toString('utf8')) as {
          type?: string;
          payload?: { thread_id?: unknown };
        };
        if (frame.type !== 'user_message') return;
        const thread =
          typeof frame.payload?.thread_id === 'string' ? frame.payload.thread_id : `thread-${user}`;
        socket.send(
          JSON.stringify({
            type: 'agent_started',
            data: { user_id: user, run_id: `run-${user}`, thread_id: thread },
          }),
        );
      });
    },
  });
  return Object.assign(engine, { byUser, handshakeUrls, handshakeHeaders });
}

/** The `sub` of a bearer JWT, unverified (the proxy verified it). */
function subject(authorization: string | undefined): string | null {
  const jwt = authorization?.startsWith('Bearer ') === true ? authorization.slice(7) : null;
  const payload = jwt?.split('.')[1];
  if (payload === undefined) return null;
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }).sub ?? null;
}
