import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Evidence, SessionIsolation } from '../isolation/session-isolation.js';
import type { Metrics } from '../metrics/catalog.js';
import type { Assignment, Engine } from '../routing/types.js';
import type { RelaySession } from './relay-session.js';

export interface RelayLimits {
  maxPayloadBytes: number;
  /** Client frames held while the engine socket opens. */
  pendingMaxFrames: number;
  pendingMaxBytes: number;
  /** Above this many bytes buffered towards the client, the proxy stops reading from the engine. */
  highWaterBytes: number;
  handshakeTimeoutMs: number;
  /** `off` runs no guard at all (benchmarking only). */
  isolation: 'block' | 'report' | 'off';
  /**
   * The proxy never closes a session younger than this (but for 1008): the web client refuses to
   * reconnect within 1 s of its previous attempt and then never retries, so an engine that
   * refuses the connect must not make the proxy close at once.
   */
  minSessionMs: number;
}

export interface RelaySessionInit {
  client: WebSocket;
  /** The client's socket from the upgrade: corked per tick so a burst of frames is one write. */
  clientSocket?: Duplex;
  engine: Engine;
  assignment: Assignment;
  upstreamUrl: string;
  upstreamHeaders: Record<string, string>;
  userHash: string;
  guard: SessionIsolation | null;
  limits: RelayLimits;
  metrics: Metrics;
  log: Logger;
  /** The serving engine refused the connect; true when the callback took over (fallback). */
  onUpstreamFailure?: (session: RelaySession, status: number | null) => boolean;
  onViolation?: (engine: Engine, evidence: Evidence) => void;
  /** Once per session at its end: failed = the engine refused it, or closed with 1011 or dropped (1006). */
  onEnded?: (engine: Engine, failed: boolean) => void;
}
