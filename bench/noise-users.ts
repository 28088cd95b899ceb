import WebSocket from 'ws';
import { signAccessToken } from '../engines/index.js';

/**
 * Simulated web-client users for the noise verification: one JWT WebSocket session each, a run
 * every `everyMs` (jittered) with a prompt of its own each time (so a prompt-keyed regression
 * takes its share of runs), and its own agent name (legacy keys runs by agent and millisecond).
 */
export class NoiseUsers {
  completed = 0;
  failed = 0;
  private readonly sockets = new Set<WebSocket>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly proxyUrl: string,
    private readonly secret: string,
    private readonly users: number,
    private readonly everyMs: number,
  ) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.users; i++) {
      const jwt = await signAccessToken({ secret: this.secret, sub: `noise-user-${i}` });
      this.open(i, jwt);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const ws of this.sockets) ws.close(1001, 'verification over');
  }

  private open(i: number, jwt: string): void {
    if (this.stopped) return;
    const url = `${this.proxyUrl.replace('http', 'ws')}/ws`;
    const ws = new WebSocket(url, ['jwt-auth', `jwt.${Buffer.from(jwt).toString('base64url')}`]);
    this.sockets.add(ws);
    let n = 0;
    const timer = setInterval(
      () => {
        if (ws.readyState !== WebSocket.OPEN) return;
        const payload = { text: `cost question ${i}-${n++}`, thread_id: `t-${i}`, agent_name: `Agent${i}` };
        ws.send(JSON.stringify({ type: 'user_message', payload }));
      },
      this.everyMs + Math.floor(Math.random() * (this.everyMs / 2)),
    );
    this.timers.push(timer);
    ws.on('message', (data) => {
      const type = (JSON.parse((data as Buffer).toString('utf8')) as { type?: string }).type;
      if (type === 'agent_completed') this.completed++;
      else if (type === 'agent_error') this.failed++;
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearInterval(timer);
      this.sockets.delete(ws);
      // The web client reconnects (a rollback drains sessions with 1012).
      if (!this.stopped) setTimeout(() => this.open(i, jwt), 100);
    });
  }
}
