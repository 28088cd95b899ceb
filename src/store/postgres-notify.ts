import pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AnnouncedFlags } from '../routing/types.js';

/** The channel every replica listens on. */
export const FANOUT_CHANNEL = 'switchyard_flags';
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
/** PostgreSQL refuses a payload of 8000 bytes or more: a larger change goes without its flags. */
const MAX_PAYLOAD_BYTES = 7_000;

const percentFlag = z.object({ percent: z.number().min(0).max(100), groupId: z.string().max(200) });
/** Checked on arrival: another replica (or another version) wrote it. */
const payloadSchema = z.object({
  from: z.string().max(200),
  flags: z
    .object({
      rollout: percentFlag,
      shadow: percentFlag,
      baseline: percentFlag.optional(),
      rollback: z.object({
        engaged: z.boolean(),
        trigger: z.enum(['manual', 'guard', 'external']).nullable(),
        reason: z.string().max(2000).nullable(),
        at: z.string().max(64).nullable(),
      }),
    })
    .optional(),
});

/** The notification's text: the flags when they fit, else only who changed them. */
export function fanoutPayload(from: string, flags: AnnouncedFlags): string {
  const full = JSON.stringify({ from, flags });
  return Buffer.byteLength(full) < MAX_PAYLOAD_BYTES ? full : JSON.stringify({ from });
}

/** The notification read back: who changed the flags and, when it fit, to what; null when it is not one. */
export function parseFanoutPayload(
  payload: string,
): { from: string; flags: AnnouncedFlags | undefined } | null {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { from, flags } = parsed.data;
  if (flags === undefined) return { from, flags: undefined };
  const { baseline, ...rest } = flags;
  return { from, flags: { ...rest, ...(baseline !== undefined && { baseline }) } };
}

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
  /** Another replica changed the flags (to `flags`, when the notification could carry them). */
  readonly onChange: (flags: AnnouncedFlags | undefined, from: string) => void;
  readonly channel?: string;
}

/**
 * The fleet's fan-out of flag changes: one dedicated connection (not the store's pool: LISTEN
 * belongs to a session) that listens, reconnects with backoff when it is lost, and sends. A
 * notification carries the percentages and the switch as the sender's flag source accepted them,
 * obeyed at once but only until the flag source shows them or its grace passes: the source stays
 * the truth, so one that is missed (while reconnecting) costs only the wait for the next poll.
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
  announce(flags: AnnouncedFlags): void {
    const client = this.client;
    if (client === null) return;
    const payload = fanoutPayload(this.o.instance, flags);
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
    const heard = parseFanoutPayload(payload ?? '');
    if (heard === null || heard.from === this.o.instance) return;
    this.o.metrics.received.inc();
    this.o.onChange(heard.flags, heard.from);
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
