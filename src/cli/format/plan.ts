import type { PlanView } from '../../../console/src/api-types.js';
import { table, when } from './text.js';

/** `switchyard plan show`: the state, what it waits for, the plan, and one line per step. */
export function formatPlan(view: PlanView, now: number): string {
  const { plan } = view;
  if (plan === null) return 'no release plan set (switchyard plan set --steps 1,5,25,50,100)';
  const step = view.step === null ? '-' : `${view.step + 1}/${plan.steps.length} (${view.percent}%)`;
  const rows: string[][] = [
    ['state', view.state],
    ['step', step],
    ['since', when(view.since, now)],
  ];
  if (view.waiting !== null) rows.push(['waiting', view.waiting]);
  if (view.reason !== undefined && view.reason !== null) rows.push(['reason', view.reason]);
  rows.push(['steps', plan.steps.map((s) => `${s}%`).join(' -> ')]);
  rows.push([
    'needs',
    `${plan.minStepSeconds} s, ${plan.minComparisons} comparisons, ${plan.minUsers} users per step` +
      (plan.approvals.length > 0 ? `; approval at ${plan.approvals.map((a) => `${a}%`).join(', ')}` : '') +
      (plan.baselineFirst ? `; baseline ${plan.baselinePercent}% first` : ''),
  ]);
  const history = view.history.map((h) => [
    `${h.percent}%`,
    `entered ${when(h.enteredAt, now)}`,
    h.leftAt === null ? 'current' : `left ${when(h.leftAt, now)}`,
    h.evidence === null ? '' : `${h.evidence.comparisons} comparisons, ${h.evidence.users} users`,
  ]);
  return [table(rows), ...(history.length > 0 ? [table(history)] : [])].join('\n\n');
}
