import { h } from '../dom.js';
import { clock } from '../format.js';
import type { PlanModel } from '../plan.js';
import { timeline, type TimelineStep } from '../plan-timeline.js';

const STATUS: Record<TimelineStep['status'], string> = {
  done: '✓ done',
  current: '▶ current',
  pending: 'pending',
};
const APPROVAL: Record<TimelineStep['approval'], string> = {
  none: '',
  required: '⚑ approval gate',
  waiting: '⚑ waiting for approval',
  approved: '⚑ approved',
};

/** The plan's steps in order: percentage, status, when entered and left, the evidence, approval gates. */
export function planSteps(model: PlanModel): HTMLElement {
  const steps = timeline(model);
  if (steps.length === 0)
    return h('p', { class: 'note' }, 'No plan set: PUT /admin/plan or `switchyard plan set`.');
  return h('ol', { class: 'timeline', 'aria-label': 'Plan steps' }, ...steps.map(step));
}

function step(s: TimelineStep): HTMLLIElement {
  return h(
    'li',
    { class: `step ${s.status}`, 'aria-current': s.status === 'current' ? 'step' : null },
    h('span', { class: 'percent' }, `${s.percent}%`),
    h('span', { class: 'status' }, STATUS[s.status]),
    s.approval === 'none' ? null : h('span', { class: `approval ${s.approval}` }, APPROVAL[s.approval]),
    s.enteredAt === null
      ? null
      : h(
          'span',
          { class: 'note when' },
          'entered ',
          h('time', { datetime: s.enteredAt }, clock(s.enteredAt)),
          s.leftAt === null ? '' : ', left ',
          s.leftAt === null ? null : h('time', { datetime: s.leftAt }, clock(s.leftAt)),
        ),
    s.evidence === '' ? null : h('span', { class: 'evidence' }, `Evidence: ${s.evidence}`),
  );
}
