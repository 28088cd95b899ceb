/**
 * The admin API's answers as its clients read them (README.md, "Admin API"): the console and the
 * CLI (src/cli), which may talk to another version of the proxy, so they keep these shapes rather
 * than importing the server's types. One copy for both: the CLI imports it type-only (nothing of
 * it runs), and it lives here because the console's build (console/tsconfig.json, rootDir
 * console/src) cannot reach src/.
 */
export type Engine = 'legacy' | 'user';

export interface StateView {
  stage: string;
  rollout: { percent: number; flag?: string };
  shadow: { percent: number; flag?: string };
  /** The noise baseline; absent from a proxy without it. */
  baseline?: { percent: number; flag?: string };
  rollback: { engaged: boolean; trigger: string | null; reason: string | null; at: string | null };
  overrides: { count: number; users?: Array<{ userId: string; serve: string; note: string | null }> };
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
  limit: number;
  value: number | null;
  samples: { legacy: number; user: number };
  users: number;
  verdict: string;
  reason?: string | null;
  /** mismatch_rate: held against the noise floor (`baseline`) or the fixed limit (`absolute`). */
  basis?: 'baseline' | 'absolute';
  floor?: number | null;
  noisyKinds?: string[];
}

export interface GuardView {
  mode: string;
  windowSeconds: number;
  /** Pooled guard (docs/fleet.md): whose evidence, and whether this replica is the judge. */
  scope?: 'fleet' | 'local';
  judge?: boolean;
  instances?: number;
  fallback?: string | null;
  gates: GateView[];
  lastTrip: { at?: string; reason?: string; gate?: string; dryRun?: boolean } | null;
}

/** A canonical event; ids are hashed and error text redacted by the API. */
export interface CanonicalEventView {
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
  events: CanonicalEventView[];
  omittedEvents?: number;
  status?: number;
}

export interface DivergenceView {
  id: string;
  at: string;
  result: string;
  kinds: string[];
  session?: string;
  route?: string;
  /** The replica that saw it, and a run or an HTTP comparison (the durable store). */
  instance?: string;
  source?: 'cross' | 'baseline';
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

export type DivergencesView = Paged<DivergenceView>;

/** `GET /admin/audit`: one change, newest first. */
export interface AuditEntryView {
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

export type AuditView = Paged<AuditEntryView>;

/** `GET /admin/instances`: the registry of replicas the store knows. */
export interface InstanceView {
  id: string;
  version: string;
  startedAt: string;
  lastHeartbeat: string;
  intervalMs: number;
  /** The flag source's status as that replica reported it (StateView['flagSource']). */
  flagSource: { kind?: string; ready?: boolean; up?: boolean } | null;
  liveSessions: number;
  guardMode: string;
  /** Silent for 3 heartbeats or more. */
  gone: boolean;
}

export interface InstancesView {
  self: string;
  items: InstanceView[];
}

/** `GET /admin/plan` (docs/plan.md). */
export interface PlanView {
  state: string;
  step: number | null;
  percent: number | null;
  since: string | null;
  waiting: string | null;
  reason?: string | null;
  plan: {
    steps: number[];
    minStepSeconds: number;
    minComparisons: number;
    minUsers: number;
    approvals: number[];
    baselineFirst: boolean;
    baselinePercent: number;
    shadowPercent: number;
  } | null;
  history: Array<{
    percent: number;
    enteredAt: string;
    leftAt: string | null;
    evidence: {
      at: string;
      comparisons: number;
      users: number;
      gates: Array<{ name: string; verdict: string }>;
    } | null;
  }>;
}
