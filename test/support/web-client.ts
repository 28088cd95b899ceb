import WebSocket from 'ws';

/**
 * The backend's browser front end as PROTOCOL.md ("The web client") describes it, for tests that
 * must prove the proxy keeps it working: ticket or JWT sign-in, an immediate reconnect (~10 ms)
 * after any close but 1008, then backoff from 100 ms (10 attempts), the auth path on 1008 (gives
 * up after 3 in a row), a JSON ping every 15 s, the queue flush and `session_restore` on every
 * open, and the trap: it refuses to connect again less than 1 s after its previous attempt
 * began, and then never retries (nor after a failed ticket request).
 */
export interface WebClientOptions {
  /** The proxy's traffic address, `http://127.0.0.1:<port>`. */
  origin: string;
  /** The access token for each sign-in (called again on the auth path). */
  token: () => string | Promise<string>;
  generation?: 'ticket' | 'jwt';
  throttleMs?: number;
  reconnectDelayMs?: number;
  backoffBaseMs?: number;
  maxAttempts?: number;
  authRetryMs?: number;
  pingIntervalMs?: number;
}

export interface Attempt {
  startedAt: number;
  openedAt?: number;
  closedAt?: number;
  code?: number;
  /** The engine that served it (the welcome frame's `data.engine`). */
  engine?: string;
}

export type WebClientState = 'connecting' | 'open' | 'waiting' | 'dead' | 'gave-up' | 'stopped';

const RESTORE_WINDOW_MS = 5 * 60_000;
const MAX_QUEUE = 100;

export class WebClient {
  readonly attempts: Attempt[] = [];
  readonly frames: any[] = [];
  state: WebClientState = 'waiting';
  /** Why it stopped for good ('throttled', 'ticket', 'attempts', 're-authenticate'). */
  stoppedBy: string | null = null;
  private ws: WebSocket | null = null;
  private readonly queue: string[] = [];
  private lastThread: { id: string; at: number } | null = null;
  private failures = 0;
  private authFailures = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly o: Required<WebClientOptions>;

  constructor(options: WebClientOptions) {
    this.o = {
      generation: 'ticket',
      throttleMs: 1000,
      reconnectDelayMs: 10,
      backoffBaseMs: 100,
      maxAttempts: 10,
      authRetryMs: 5000,
      pingIntervalMs: 15_000,
      ...options,
    };
  }

  start(): void {
    void this.attempt();
  }

  /** Sends now, or queues (up to 100) until the next open, as the web client does. */
  send(frame: Record<string, unknown>): void {
    const text = JSON.stringify(frame);
    this.noteThread(frame);
    if (this.ws !== null && this.state === 'open') this.ws.send(text);
    else if (this.queue.push(text) > MAX_QUEUE) this.queue.shift();
  }

  /** The sessions that opened, oldest first. */
  sessions(): Attempt[] {
    return this.attempts.filter((a) => a.openedAt !== undefined);
  }

  /** The engine of the latest session that received its welcome frame. */
  get engine(): string | undefined {
    return this.sessions().at(-1)?.engine;
  }

  stop(): void {
    this.state = 'stopped';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.ws?.terminate();
  }

  private async attempt(): Promise<void> {
    const now = Date.now();
    const previous = this.attempts.at(-1);
    if (previous !== undefined && now - previous.startedAt < this.o.throttleMs) return this.die('throttled');
    const attempt: Attempt = { startedAt: now };
    this.attempts.push(attempt);
    this.state = 'connecting';
    const jwt = await this.o.token();
    const wsOrigin = this.o.origin.replace(/^http/, 'ws');
    let url = `${wsOrigin}/ws`;
    let protocols = ['jwt-auth', `jwt.${Buffer.from(jwt).toString('base64url')}`];
    if (this.o.generation === 'ticket') {
      const ticket = await this.ticket(jwt);
      if (ticket === null) return this.die('ticket');
      url = `${wsOrigin}/ws?ticket=${encodeURIComponent(ticket)}`;
      protocols = [];
    }
    if (this.state !== 'connecting') return;
    const ws = new WebSocket(url, protocols);
    this.ws = ws;
    let ping: NodeJS.Timeout | undefined;
    ws.on('open', () => {
      attempt.openedAt = Date.now();
      this.state = 'open';
      this.failures = 0;
      for (const text of this.queue.splice(0, MAX_QUEUE)) ws.send(text);
      const t = this.lastThread;
      if (t !== null && Date.now() - t.at < RESTORE_WINDOW_MS)
        ws.send(
          JSON.stringify({ type: 'session_restore', payload: { threadId: t.id, lastMessageId: null } }),
        );
      ping = setInterval(
        () => ws.send(JSON.stringify({ type: 'ping', timestamp: Date.now() })),
        this.o.pingIntervalMs,
      );
      ping.unref();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: any;
      try {
        frame = JSON.parse((data as Buffer).toString('utf8'));
      } catch {
        return; // the browser would render it; nothing here reads it
      }
      this.frames.push(frame);
      this.noteThread(frame);
      if (frame.data?.event === 'connection_established' || frame.type === 'connect') {
        attempt.engine = frame.data?.engine;
        this.authFailures = 0;
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      clearInterval(ping);
      attempt.closedAt = Date.now();
      attempt.code = code;
      if (this.ws === ws) this.ws = null;
      this.reconnect(code);
    });
  }

  private reconnect(code: number): void {
    if (this.state === 'stopped' || this.state === 'dead' || this.state === 'gave-up') return;
    this.state = 'waiting';
    if (code === 1008) {
      if (++this.authFailures >= 3) return this.die('re-authenticate', 'gave-up');
      return this.later(this.o.authRetryMs * 2 ** (this.authFailures - 1));
    }
    const n = this.failures++;
    if (n >= this.o.maxAttempts) return this.die('attempts', 'gave-up');
    this.later(n === 0 ? this.o.reconnectDelayMs : this.o.backoffBaseMs * 2 ** (n - 1));
  }

  private later(ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt();
    }, ms);
    this.timers.add(t);
  }

  private async ticket(jwt: string): Promise<string | null> {
    try {
      const res = await fetch(`${this.o.origin}/api/websocket/ticket`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ttl_seconds: 300, single_use: true, permissions: [] }),
      });
      if (!res.ok) return null;
      return ((await res.json()) as { ticket_id?: string }).ticket_id ?? null;
    } catch {
      return null;
    }
  }

  private noteThread(frame: any): void {
    const id = frame.payload?.thread_id ?? frame.data?.thread_id ?? frame.thread_id;
    if (typeof id === 'string') this.lastThread = { id, at: Date.now() };
  }

  private die(reason: string, state: 'dead' | 'gave-up' = 'dead'): void {
    this.state = state;
    this.stoppedBy = reason;
  }
}
