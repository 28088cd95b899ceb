import WebSocket from 'ws';
import { signAccessToken } from '../engines/index.js';

export interface TrafficCounters {
  http: { legacy: number; user: number; failed: number };
  wsSessions: { token: number; ticket: number; closed: number };
}

/**
 * Simulated users of the backend's web client: HTTP calls with their JWT, and WebSocket
 * sessions of both client generations (JWT subprotocol, and the ticket flow), each sending a
 * message now and then. Bounded: a fixed number of users, one socket each.
 */
export class SimulatedUsers {
  readonly counters: TrafficCounters = {
    http: { legacy: 0, user: 0, failed: 0 },
    wsSessions: { token: 0, ticket: 0, closed: 0 },
  };
  private timers: NodeJS.Timeout[] = [];
  private sockets = new Set<WebSocket>();
  private stopped = false;

  constructor(
    private readonly proxyUrl: string,
    private readonly secret: string,
    private readonly users: number,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.users; i++) {
      const userId = `demo-user-${i}`;
      const jwt = await signAccessToken({ secret: this.secret, sub: userId });
      this.timers.push(setInterval(() => void this.httpCall(jwt), 200 + (i % 7) * 50));
      if (i % 2 === 0) void this.openSocket(userId, jwt, i % 4 === 0 ? 'ticket' : 'token');
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const ws of this.sockets) ws.close(1001, 'demo stopping');
  }

  private async httpCall(jwt: string): Promise<void> {
    try {
      const res = await fetch(`${this.proxyUrl}/api/threads/demo`, {
        headers: { authorization: `Bearer ${jwt}` },
      });
      await res.arrayBuffer();
      const engine = res.headers.get('x-switchyard-engine');
      if (res.status >= 500) this.counters.http.failed++;
      else if (engine === 'user') this.counters.http.user++;
      else this.counters.http.legacy++;
    } catch {
      this.counters.http.failed++;
    }
  }

  private async openSocket(userId: string, jwt: string, kind: 'token' | 'ticket'): Promise<void> {
    if (this.stopped) return;
    const wsBase = this.proxyUrl.replace('http', 'ws');
    let ws: WebSocket;
    if (kind === 'ticket') {
      const res = await fetch(`${this.proxyUrl}/api/websocket/ticket`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ttl_seconds: 60, single_use: true, permissions: [] }),
      }).catch(() => null);
      if (res === null || !res.ok)
        return void setTimeout(() => void this.openSocket(userId, jwt, kind), 2000);
      const { ticket_id } = (await res.json()) as { ticket_id: string };
      ws = new WebSocket(`${wsBase}/ws?ticket=${encodeURIComponent(ticket_id)}`);
    } else {
      ws = new WebSocket(`${wsBase}/ws`, ['jwt-auth', `jwt.${Buffer.from(jwt).toString('base64url')}`]);
    }
    this.sockets.add(ws);
    this.counters.wsSessions[kind]++;
    const chat = setInterval(
      () => {
        if (ws.readyState === WebSocket.OPEN) {
          ws.send(
            JSON.stringify({
              type: 'user_message',
              payload: { text: 'Analyze my AI costs', thread_id: `thread-${userId}` },
            }),
          );
        }
      },
      3000 + Math.floor(Math.random() * 2000),
    );
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      clearInterval(chat);
      this.sockets.delete(ws);
      this.counters.wsSessions.closed++;
      // The web client reconnects at once on anything but 1008.
      if (!this.stopped && code !== 1008) setTimeout(() => void this.openSocket(userId, jwt, kind), 50);
    });
  }
}
