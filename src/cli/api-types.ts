/**
 * The admin API's answers as the CLI reads them (README.md, "Admin API"). The CLI is a
 * client over HTTP, possibly of another version of the proxy, so it keeps its own copy of the
 * shapes rather than importing the server's types.
 */
export type Engine = 'legacy' | 'user';

export interface StateView {
  stage: string;
  rollout: { percent: number; flag?: string };
  shadow: { percent: number; flag?: string };
  /** Absent from a proxy without the noise baseline. */
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
}

export interface CanonicalEventView {
  type: string;
  tool?: string | null;
  status?: string | null;
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
  source?: string;
  control: DivergenceSide;
  candidate: DivergenceSide;
}

export interface DivergencesView {
  items: DivergenceView[];
  /** Pass back as `cursor=` for the next page. */
  next?: string;
}

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

export interface AuditView {
  items: AuditEntryView[];
  next?: string;
}

export interface InstanceView {
  id: string;
  version: string;
  startedAt: string;
  lastHeartbeat: string;
  intervalMs: number;
  flagSource: { kind?: string; ready?: boolean; up?: boolean } | null;
  liveSessions: number;
  guardMode: string;
  gone: boolean;
}

export interface InstancesView {
  self: string;
  items: InstanceView[];
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
  lastTrip: { at?: string; reason?: string; gate?: string } | null;
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
