import pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';

/** The channel every replica listens on; a notification says only "the flags changed". */
export const FANOUT_CHANNEL = 'switchyard_flags';
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

export function createFanoutMetrics(registry: Registry) {
  const registers = [registry];
  const m = {
    sent: new Counter({
      name: 'switchyard_fanout_sent_total',
      help: 'Flag changes made here and announced to the other replicas (PostgreSQL NOTIFY)',
      registers,
    }),
    received: new Counter({
      name: 'switchyard_fanout_received_total',
      help: "Other replicas' flag changes heard (PostgreSQL LISTEN): each re-reads the flag source now",
      registers,
    }),
    listening: new Gauge({
      name: 'switchyard_fanout_listening',
      help: '1 while this replica listens for flag changes on PostgreSQL, 0 while it reconnects',
      registers,
    }),
  };
  m.listening.set(0);
  return m;
}

export type FanoutMetrics = ReturnType<typeof createFanoutMetrics>;

export interface PostgresNotifyOptions {
  readonly url: string;
  /** This replica's id: its own notifications come back to it and are ignored. */
  readonly instance: string;
  readonly metrics: FanoutMetrics;
  readonly log: Logger;
  /** Another replica changed the flags. */
  readonly onChange: (from: string) => void;
  readonly channel?: string;
}

/**
 * The fleet's fan-out of flag changes: one dedicated connection (not the store's pool: LISTEN
 * belongs to a session) that listens, reconnects with backoff when it is lost, and sends. A
 * notification carries no state: the flag source stays the truth, so one that is missed (while
 * reconnecting) costs only the wait for the next poll.
 */
export class PostgresNotify {
  private client: pg.Client | null = null;
  private closed = false;
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Warned about the current outage: one line per outage, not one per retry. */
  private warned = false;
  private readonly channel: string;

  constructor(private readonly o: PostgresNotifyOptions) {
    this.channel = o.channel ?? FANOUT_CHANNEL;
  }

  start(): void {
    void this.connect();
  }

  get listening(): boolean {
    return this.client !== null;
  }

  /** Tells the other replicas the flags changed; not listening (reconnecting): they poll. */
  announce(): void {
    const client = this.client;
    if (client === null) return;
    const payload = JSON.stringify({ from: this.o.instance });
    client.query('SELECT pg_notify($1, $2)', [this.channel, payload]).then(
      () => this.o.metrics.sent.inc(),
      (err: Error) => this.o.log.warn({ err: err.message }, 'flag change not announced'),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.o.metrics.listening.set(0);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.o.url,
      application_name: 'switchyard-fanout',
      keepAlive: true,
      connectionTimeoutMillis: 3_000,
    });
    client.on('error', (err) => this.lost(client, err.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    client.on('notification', (n) => this.heard(n.channel, n.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (err) {
      this.lost(client, (err as Error).message);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = RECONNECT_MIN_MS;
    this.warned = false;
    this.o.metrics.listening.set(1);
    this.o.log.info({ channel: this.channel }, 'listening for flag changes of the fleet');
  }

  private heard(channel: string, payload: string | undefined): void {
    if (channel !== this.channel) return;
    let from: unknown;
    try {
      from = (JSON.parse(payload ?? '') as { from?: unknown }).from;
    } catch {
      return;
    }
    if (typeof from !== 'string' || from === this.o.instance) return;
    this.o.metrics.received.inc();
    this.o.onChange(from);
  }

  /** Once per connection: `error` and `end` both arrive for one loss. */
  private lost(client: pg.Client, why: string): void {
    client.removeAllListeners('notification');
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.client === client) this.client = null;
    this.o.metrics.listening.set(0);
    if (this.closed || this.retryTimer !== null) return;
    if (!this.warned)
      this.o.log.warn({ err: why }, 'flag fan-out not listening: reconnecting; polls still apply changes');
    this.warned = true;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RECONNECT_MAX_MS, this.retryMs * 2);
  }
}
