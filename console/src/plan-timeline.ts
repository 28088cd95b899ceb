import type { PlanModel, PlanStepRecord } from './plan.js';

export interface TimelineStep {
  percent: number;
  status: 'done' | 'current' | 'pending';
  enteredAt: string | null;
  leftAt: string | null;
  evidence: string;
  /** A step listed in `approvals`: the plan waits there for a person once the evidence is in. */
  approval: 'none' | 'required' | 'waiting' | 'approved';
}

const ENDED = new Set(['complete', 'aborted', 'rolled-back']);

/**
 * The plan's steps in order, each with what the history says of it. Without the plan's settings
 * (an API that leaves them out) the steps are the ones the history has.
 */
export function timeline(model: PlanModel): TimelineStep[] {
  const percents = model.plan?.steps.length ? model.plan.steps : model.history.map((h) => h.percent);
  const approvals = new Set(model.plan?.approvals ?? []);
  return [...new Set(percents)].map((percent) => {
    const record = lastOf(model.history, percent);
    const entered = record?.enteredAt ?? null;
    const left = record?.leftAt ?? null;
    const status: TimelineStep['status'] =
      left !== null || (entered !== null && ENDED.has(model.state))
        ? 'done'
        : entered !== null || (model.percent === percent && model.state !== 'idle')
          ? 'current'
          : 'pending';
    return {
      percent,
      status,
      enteredAt: entered,
      leftAt: left,
      evidence: record === undefined ? '' : evidenceText(record.evidence),
      approval: !approvals.has(percent)
        ? 'none'
        : status === 'current' && model.state === 'waiting-approval'
          ? 'waiting'
          : left !== null
            ? 'approved'
            : 'required',
    };
  });
}

function lastOf(history: readonly PlanStepRecord[], percent: number): PlanStepRecord | undefined {
  for (let i = history.length - 1; i >= 0; i--) if (history[i]!.percent === percent) return history[i];
  return undefined;
}

const MAX_EVIDENCE = 240;

/**
 * A step's evidence in one line, whatever its shape: `comparisons 240, users 31` from plain
 * figures, `error_rate ok` from a list of gates; nested detail is left out.
 */
export function evidenceText(evidence: unknown): string {
  if (evidence === null || evidence === undefined) return '';
  if (typeof evidence === 'string' || typeof evidence === 'number' || typeof evidence === 'boolean') {
    return clip(String(evidence));
  }
  if (typeof evidence !== 'object') return '';
  if (Array.isArray(evidence))
    return clip(
      evidence
        .map(item)
        .filter((s) => s !== '')
        .join(', '),
    );
  const parts = Object.entries(evidence as Record<string, unknown>).flatMap(([key, value]) => {
    if (key === 'at') return []; // when it was taken: the step's times say enough
    if (value === null || typeof value !== 'object') return [`${key} ${String(value)}`];
    if (Array.isArray(value)) {
      const listed = value.map(item).filter((s) => s !== '');
      return listed.length === 0 ? [] : [`${key}: ${listed.join(', ')}`];
    }
    return [];
  });
  return clip(parts.join(', '));
}

function item(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  const o = v as Record<string, unknown>;
  if (typeof o['name'] !== 'string') return '';
  return [o['name'], o['verdict'], o['value']]
    .filter((x) => typeof x === 'string' || typeof x === 'number')
    .join(' ');
}

function clip(s: string): string {
  return s.length > MAX_EVIDENCE ? `${s.slice(0, MAX_EVIDENCE - 1)}…` : s;
}
