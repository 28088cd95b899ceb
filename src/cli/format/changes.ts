import type { AssignmentView, StateView } from '../../../console/src/api-types.js';
import { rollbackLine } from './state.js';
import { quoted, when } from './text.js';

const RESUME_HINT = 'every new decision serves legacy until `switchyard resume`';

/** `rollout 10% -> 25% (stage shadow -> canary)`, with a note when the switch still holds everyone on legacy. */
export function percentChange(
  which: 'rollout' | 'shadow' | 'baseline',
  before: StateView,
  after: StateView,
): string {
  const from = before[which]?.percent ?? 0;
  const to = after[which]?.percent ?? 0;
  const moved = from === to ? `${which} stays at ${to}%` : `${which} ${from}% -> ${to}%`;
  const stage =
    before.stage === after.stage ? `stage ${after.stage}` : `stage ${before.stage} -> ${after.stage}`;
  const note = after.rollback.engaged ? `\nnote: the rollback switch is engaged: ${RESUME_HINT}` : '';
  return `${moved} (${stage})${note}`;
}

export function rollbackResult(before: StateView, after: StateView, now: number): string {
  if (before.rollback.engaged)
    return `the rollback switch was already engaged: ${rollbackLine(after.rollback, now)}`;
  return [
    `rollback switch ENGAGED at ${when(after.rollback.at, now)}: ${quoted(after.rollback.reason)}`,
    `${RESUME_HINT}; rollout ${after.rollout.percent}% and shadow ${after.shadow.percent}% are kept for the resume`,
  ].join('\n');
}

export function resumeResult(before: StateView, after: StateView): string {
  const now = `rollout ${after.rollout.percent}%, shadow ${after.shadow.percent}% (stage ${after.stage})`;
  return before.rollback.engaged
    ? `rollback switch released: ${now}`
    : `the rollback switch was not engaged; nothing changed: ${now}`;
}

export function assignmentLine(a: AssignmentView): string {
  const shadow = a.shadow === 'none' ? 'not shadowed' : `shadowed to ${a.shadow}`;
  return `${a.userId}: served by ${a.serve}, ${shadow} (reason: ${a.reason})`;
}

export function overrideResult(
  userId: string,
  serve: 'legacy' | 'user' | 'clear',
  note: string | undefined,
  now: AssignmentView,
): string {
  const done =
    serve === 'clear'
      ? `override for ${userId} cleared`
      : `${userId} overridden to ${serve}${note === undefined ? '' : ` (note: ${note})`}`;
  return `${done}\nnow ${assignmentLine(now)}`;
}
