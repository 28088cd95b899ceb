import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { OwnershipIndex } from '../isolation/ownership.js';
import { SessionIsolation, type Evidence } from '../isolation/session-isolation.js';
import type { IdHasher } from '../log/hash-id.js';
import type { Metrics } from '../metrics/catalog.js';
import { isBaseline } from '../routing/decide.js';
import type { Engine } from '../routing/types.js';
import type { RelaySession } from '../ws/relay-session.js';
import type { GatewayDeps } from '../ws/ws-gateway.js';
import { upstreamWsUrl } from '../ws/upstream-url.js';
import type { Books, ShadowResults } from './results.js';
import type { Slots } from './slots.js';
import type { SweepClock } from './sweep-clock.js';
import { WsShadow } from './ws-shadow.js';

export type Observe = NonNullable<GatewayDeps['observe']>;

export interface WsObserveDeps {
  config: Config;
  metrics: Metrics;
  log: Logger;
  books: Books;
  slots: Slots;
  clock: SweepClock;
  /** The candidate streams' ownership index: shared by shadow sessions, apart from the live one. */
  ownership: OwnershipIndex;
  /** The JWT seen when a ticket was issued, by the original ticket id. */
  jwtForTicket: (ticketId: string) => string | undefined;
  /** Live shadows, so that shutdown can end them. */
  live: Set<WsShadow>;
  hashId: IdHasher;
  /** A leak into a shadow or baseline socket, as the gateway reports a live one (the guard). */
  onIsolation?: IsolationHook | undefined;
}

/** `sessionKey` is unique per shadow session, `userHash` the keyed hash of its user. */
export type IsolationHook = (
  engine: Engine,
  evidence: Evidence,
  sessionKey: string,
  userHash: string,
) => void;

/** A session to shadow, with everything its shadow socket needs. */
interface Shadowed {
  session: RelaySession;
  userId: string;
  credential: string;
  candidate: Engine;
  results: ShadowResults;
  path: string;
  query: URLSearchParams;
}

/** Client frame types copied to the shadow engine: all, or a list (then no binary frames). */
export function copyFilter(
  copyTypes: 'all' | readonly string[],
): (type: string | null, isBinary: boolean) => boolean {
  if (copyTypes === 'all') return () => true;
  const wanted = new Set(copyTypes);
  return (type, isBinary) => !isBinary && type !== null && wanted.has(type);
}

/**
 * The gateway's `observe` hook: for a shadowed session, finds the user's JWT (a ticket session
 * uses the one remembered when the ticket was issued), takes a session place, and starts a
 * WsShadow to the other engine, or for a baseline session to a second session of its own
 * engine (same caps, shedding and isolation; results in the baseline book). Sessions it cannot shadow are counted as dropped, by reason.
 */
export function createWsObserve(deps: WsObserveDeps): Observe {
  const { config } = deps;
  const settings = config.shadow;
  const copies = copyFilter(settings.copyTypes);
  const limits = {
    connectTimeoutMs: settings.connectTimeoutMs,
    maxPayloadBytes: config.websocket.maxPayloadBytes,
    bufferFrames: settings.bufferFrames,
    bufferBytes: settings.bufferBytes,
    maxFramesPerSecond: settings.maxFramesPerSecond,
  };
  const comparison = {
    runTimeoutMs: settings.runTimeoutMs,
    maxPendingRuns: settings.maxPendingRuns,
    maxEventsPerRun: settings.maxEventsPerRun,
    diff: settings.maxLatencyRatio === undefined ? {} : { maxLatencyRatio: settings.maxLatencyRatio },
  };
  let sessions = 0;

  return (session, { userId, jwt, assignment, path, query }) => {
    const candidate = assignment.shadow;
    if (candidate === 'none') return null;
    const baseline = isBaseline(assignment);
    // A baseline session that already fell back to another engine has no floor to give.
    if (baseline && session.engine !== candidate) return null;
    const results = baseline ? deps.books.baseline : deps.books.cross;
    const ticket = query.get('ticket');
    const credential = jwt ?? (ticket === null ? undefined : deps.jwtForTicket(ticket));
    if (credential === undefined) {
      results.dropped('no_credential');
      return null;
    }
    const release = deps.slots.tryTake();
    if (release === null) {
      results.dropped('capacity');
      return null;
    }
    try {
      const shadow = start({ session, userId, credential, candidate, results, path, query }, release);
      deps.live.add(shadow);
      deps.clock.add(shadow);
      return shadow;
    } catch (error) {
      // A hook never breaks the live path: this session goes unshadowed.
      release();
      results.dropped('connect_failed');
      deps.log.error({ err: (error as Error).message }, 'shadow session could not start');
      return null;
    }
  };

  function start(s: Shadowed, release: () => void): WsShadow {
    const { userId, candidate, results } = s;
    // The shadow signs in with the header alone: a ticket is single-use and the serving engine's.
    const shadowQuery = new URLSearchParams(s.query);
    shadowQuery.delete('ticket');
    shadowQuery.delete('token');
    const userHash = deps.hashId(userId);
    const label = `${userHash}.${(sessions++).toString(36)}`;
    const leaks = deps.metrics.isolationViolations.labels(candidate, 'shadow');
    const frames = deps.metrics.wsFrames.labels(candidate, 'shadow_to_proxy');
    return new WsShadow({
      url: upstreamWsUrl(config.engines[candidate].url, s.path, shadowQuery),
      headers: { authorization: `Bearer ${s.credential}`, 'x-switchyard-shadow': '1' },
      control: s.session.engine,
      candidate,
      servedBy: () => s.session.engine,
      limits,
      comparison,
      copies,
      closeGraceMs: settings.closeGraceMs,
      staggerMs: results === deps.books.baseline && candidate === 'legacy' ? settings.baseline.staggerMs : 0,
      guard: new SessionIsolation(userId, deps.ownership),
      onJudgement: (judgement, runIndex) => results.run(judgement, { userId, session: label, runIndex }),
      onLeak: (evidence) => {
        leaks.inc();
        deps.onIsolation?.(candidate, evidence, `shadow:${label}`, userHash);
      },
      onDropped: (reason) => results.dropped(reason),
      onShadowFrames: (count) => frames.inc(count),
      onError: (error) => deps.log.error({ err: (error as Error).message }, 'shadow comparison failed'),
      onEnd: (ended) => {
        deps.clock.delete(ended);
        deps.live.delete(ended);
        release();
      },
    });
  }
}
