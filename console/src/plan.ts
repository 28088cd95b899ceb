/**
 * The release plan as `GET /admin/plan` answers it (issue 23), read tolerantly: a field that is
 * missing or of another type becomes null or empty rather than breaking the view, so the console
 * keeps working while the API grows.
 */
export interface GateSample {
  name: string;
  value: number | null;
  limit: number | null;
  verdict: string;
}

export interface PlanSample {
  /** Epoch milliseconds. */
  at: number;
  gates: GateSample[];
}

export interface PlanStepRecord {
  percent: number;
  enteredAt: string | null;
  leftAt: string | null;
  evidence: unknown;
}

export interface PlanSettings {
  steps: number[];
  minStepSeconds: number | null;
  minComparisons: number | null;
  minUsers: number | null;
  approvals: number[];
  baselineFirst: boolean | null;
}

export interface PlanModel {
  state: string;
  step: number | null;
  percent: number | null;
  since: string | null;
  waiting: string | null;
  /** Why it ended (a rollback's or an abort's reason), when the API says. */
  reason: string | null;
  plan: PlanSettings | null;
  history: PlanStepRecord[];
  /** Absent: the API keeps no history for the chart (yet). */
  series: PlanSample[] | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const nums = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)) : [];

/** An ISO time or epoch milliseconds, as epoch milliseconds; null if neither. */
export function epoch(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** An ISO time or epoch milliseconds, as an ISO string; null if neither. */
function iso(v: unknown): string | null {
  const t = epoch(v);
  return t === null ? null : new Date(t).toISOString();
}

export function parsePlan(raw: unknown): PlanModel {
  const r = isObj(raw) ? raw : {};
  const plan = isObj(r['plan']) ? r['plan'] : null;
  return {
    state: str(r['state']) ?? 'idle',
    step: num(r['step']),
    percent: num(r['percent']),
    since: iso(r['since']),
    waiting: str(r['waiting']),
    reason: str(r['reason']),
    plan:
      plan === null
        ? null
        : {
            steps: nums(plan['steps']),
            minStepSeconds: num(plan['minStepSeconds']),
            minComparisons: num(plan['minComparisons']),
            minUsers: num(plan['minUsers']),
            approvals: nums(plan['approvals']),
            baselineFirst: typeof plan['baselineFirst'] === 'boolean' ? plan['baselineFirst'] : null,
          },
    history: Array.isArray(r['history']) ? r['history'].flatMap(stepRecord) : [],
    series: Array.isArray(r['series']) ? r['series'].flatMap(sample) : null,
  };
}

function stepRecord(v: unknown): PlanStepRecord[] {
  if (!isObj(v)) return [];
  const percent = num(v['percent']);
  if (percent === null) return [];
  return [{ percent, enteredAt: iso(v['enteredAt']), leftAt: iso(v['leftAt']), evidence: v['evidence'] }];
}

/**
 * The current step's gate series as `GET /admin/plan/history` answers it
 * (`{gates: [{name, points: [{at, value, limit, verdict}]}]}`), as samples; null when there is none.
 */
export function parseHistory(raw: unknown): PlanSample[] | null {
  if (!isObj(raw) || !Array.isArray(raw['gates'])) return null;
  return raw['gates'].flatMap((g): PlanSample[] => {
    if (!isObj(g) || str(g['name']) === null || !Array.isArray(g['points'])) return [];
    const name = String(g['name']);
    return g['points'].flatMap((p) => sample(isObj(p) ? { at: p['at'], gates: [{ ...p, name }] } : null));
  });
}

function sample(v: unknown): PlanSample[] {
  if (!isObj(v)) return [];
  const at = epoch(v['at']);
  if (at === null || !Array.isArray(v['gates'])) return [];
  const gates = v['gates'].flatMap((g): GateSample[] => {
    if (!isObj(g) || str(g['name']) === null) return [];
    return [
      {
        name: String(g['name']),
        value: num(g['value']),
        limit: num(g['limit']),
        verdict: str(g['verdict']) ?? 'unknown',
      },
    ];
  });
  return [{ at, gates }];
}
