/** The public shapes of the reference engines (docs/design.md, "The wire protocol", says what they speak). */

export type EngineKind = 'legacy' | 'user';

export type DivergenceKind = 'tool' | 'failure' | 'missing_event' | 'extra_thinking' | 'slow_first_event';

export const DIVERGENCE_KINDS: readonly DivergenceKind[] = [
  'tool',
  'failure',
  'missing_event',
  'extra_thinking',
  'slow_first_event',
];

export interface TicketGrant {
  ticket_id: string;
  expires_at: string;
  created_at: string;
}

/** The ticket store both engines share, as the backend's engines share Redis. */
export interface TicketStore {
  issue(userId: string, jwt: string, ttlSeconds: number): TicketGrant;
  /** Single use: a ticket is deleted when it is consumed; an expired one yields null. */
  consume(ticketId: string): { userId: string; jwt: string } | null;
  size(): number;
}

/** Every fault is optional and read at the moment it matters, so it can be changed at runtime. */
export interface EngineFaults {
  /** 0..1: fraction of HTTP API requests (not /health) answered 500. */
  httpFailRate?: number;
  /** Legacy only: runs of the same agent always share one `activeRuns` key, so concurrent runs cross. */
  leak?: boolean;
  /** Applies to WebSocket runs; a prompt containing `#diverge:<kind>` triggers one for that run. */
  divergence?: { kind: DivergenceKind; fraction?: number } | null;
  /**
   * A real regression, not noise: `kind` applies to the runs whose prompt hashes into `fraction`,
   * so every session given one prompt diverges alike (an engine's own baseline cannot see it).
   * It wins over `divergence` for the runs it takes.
   */
  regression?: { kind: DivergenceKind; fraction: number } | null;
  /** Refuse WebSocket upgrades with HTTP 503. */
  refuseWebSocket?: boolean;
  /** How `Sec-WebSocket-Protocol` is echoed; default `jwt-auth`. */
  echoSubprotocol?: 'jwt-auth' | 'none' | 'exact';
  /** Envelope of run events (docs/design.md: A = bridge, B = emitter); default legacy bridge, user emitter. */
  envelope?: 'bridge' | 'emitter';
  /** Delay between run events, default 20 ms. */
  stepDelayMs?: number;
}

export interface EngineOptions {
  kind: EngineKind;
  jwtSecret: string;
  tickets: TicketStore;
  host?: string;
  port?: number;
  faults?: EngineFaults;
  /** Silence (ms) after which the engine sends a heartbeat frame, as the backend does after 30 s; 0 disables. */
  heartbeatMs?: number;
}

export type Headers = Record<string, string | string[] | undefined>;

export interface RecordedRequest {
  method: string;
  /** The request target as received: path plus query string. */
  path: string;
  headers: Headers;
  body: string;
}

export interface RecordedHandshake {
  /** The request target as received: path plus query string. */
  path: string;
  headers: Headers;
}

export interface RunningEngine {
  kind: EngineKind;
  url: string;
  port: number;
  faults: EngineFaults;
  requests: RecordedRequest[];
  handshakes: RecordedHandshake[];
  openSockets(): number;
  close(): Promise<void>;
}
