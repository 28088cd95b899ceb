import type { NotifyEvent } from './events.js';

/** Reasons are written by the guard or an operator; a notification carries at most this much of one. */
export const MAX_REASON_CHARS = 500;

/**
 * The human one-liner of an event: the webhook body's `text`, which a Slack incoming webhook
 * shows as the message. `&`, `<` and `>` are escaped as Slack's message formatting requires.
 */
export function eventText(event: NotifyEvent, instance: string): string {
  return slackEscape(`Switchyard (${instance}): ${sentence(event)}`);
}

/** A reason as a notification carries it: trimmed to one line and MAX_REASON_CHARS. */
export function clipReason(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_REASON_CHARS ? line : `${line.slice(0, MAX_REASON_CHARS - 1)}…`;
}

function sentence(event: NotifyEvent): string {
  switch (event.type) {
    case 'step-advanced':
      return `release plan advanced to step ${event.step}: ${event.fromPercent}% → ${event.toPercent}% of users on the user engine.`;
    case 'approval-needed':
      return `release plan waits for approval at step ${event.step} (${event.percent}%): the evidence is in; approve with \`switchyard plan approve\`.`;
    case 'guard-breach':
      return `guard breach${event.gate === null ? '' : ` (${event.gate})`}: ${event.reason}`;
    case 'rollback':
      return `rollback engaged (${event.trigger})${event.reason === null ? '' : `: ${event.reason}`}. Every user now goes to legacy.`;
    case 'resume':
      return 'rollback released: routing follows the rollout percentage again.';
    case 'plan-complete':
      return `release plan complete at ${event.percent}%.`;
    case 'plan-rolled-back':
      return `release plan rolled back at step ${event.step} (${event.percent}%)${event.reason === null ? '' : `: ${event.reason}`}.`;
  }
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
