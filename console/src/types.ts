/**
 * The admin API's answers as the console reads them (README.md, "Admin API"). The console
 * is a client over HTTP, so it keeps its own copy of the shapes, as the CLI does.
 */
export type Engine = 'legacy' | 'user';

export interface StateView {
  stage: string;
  rollout: { percent: number; flag?: string };
  shadow: { percent: number; flag?: string };
  /** The noise baseline; absent from a proxy without it. */
  baseline?: { percent: number; flag?: string };
  rollback: { engaged: boolean; trigger: string | null; reason: string | null; at: string | null };
  overrides: { count: number };
  flagSource: {
    kind: string;
    ready: boolean;
    up?: boolean;
    lastSync: string | null;
    problem?: string | null;
  };
}

export interface AssignmentView {
  userId: string;
  serve: Engine;
  shadow: 'none' | Engine;
  reason: string;
}

export interface EngineFigures {
  requests: number;
  errors: number;
  p95Ms: number | null;
  sessions: number;
  violations: number;
}

export interface SummaryView {
  windowSeconds: number;
  legacy: EngineFigures;
  user: EngineFigures;
  comparisons: { match: number; mismatch: number; incomplete: number; isolation: number };
  /** Per mismatch kind: the cross-engine rate next to each engine's floor (noise baseline). */
  kinds?: KindNoise[];
}

export interface KindRate {
  count: number;
  judged: number;
  rate: number | null;
}

export interface KindNoise {
  kind: string;
  cross: KindRate;
  legacy: KindRate & { ci: [number, number] | null };
  user: KindRate & { ci: [number, number] | null };
  noisy: boolean;
}

export interface GateView {
  name: string;
  limit: number | null;
  value: number | null;
  samples?: { legacy: number; user: number };
  users?: number;
  verdict: string;
  reason?: string | null;
  basis?: 'baseline' | 'absolute';
  floor?: number | null;
  noisyKinds?: string[];
}

export interface GuardView {
  mode: string;
  windowSeconds: number;
  gates: GateView[];
  lastTrip: { at?: string; reason?: string; gate?: string; dryRun?: boolean } | null;
}

/** A canonical event; ids are hashed and error text redacted by the API. */
export interface CanonicalEvent {
  type: string;
  runId?: string | null;
  threadId?: string | null;
  agent?: string | null;
  tool?: string | null;
  status?: string | null;
  error?: string | null;
  userId?: string | null;
  at?: number | null;
}

export interface DivergenceSide {
  engine: Engine;
  events: CanonicalEvent[];
  omittedEvents?: number;
  status?: number;
}

export interface Divergence {
  id: string;
  /** The replica that recorded it (the durable store's). */
  instance?: string;
  source?: 'cross' | 'baseline';
  at: string;
  result: string;
  kinds: string[];
  session?: string;
  route?: string;
  runIndex?: number;
  leakedBy?: string[];
  incompleteReason?: string;
  details?: { missing?: string[]; extra?: string[]; moved?: string[]; fields?: string[] };
  control: DivergenceSide;
  candidate: DivergenceSide;
}

/** A page of a store view: pass `next` back as `cursor=` for the one after. */
export interface Paged<T> {
  items: T[];
  next?: string;
}

export type DivergencesView = Paged<Divergence>;

/** `GET /admin/instances`: the registry of replicas the store knows. */
export interface InstanceRow {
  id: string;
  version: string;
  startedAt: string;
  lastHeartbeat: string;
  intervalMs?: number;
  /** The flag source's status as that replica reported it (StateView['flagSource']). */
  flagSource: unknown;
  liveSessions: number;
  guardMode: string;
  /** Silent for 3 heartbeats or more. */
  gone: boolean;
}

export interface InstancesView {
  self?: string;
  items: InstanceRow[];
}

/** `GET /admin/audit`: one change, newest first. */
export interface AuditRow {
  id: string;
  at: string;
  instance: string;
  action: string;
  role: string;
  actor: string | null;
  address: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  failed: string | null;
}
