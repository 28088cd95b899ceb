import type { NotifyEvent } from '../notify/events.js';
import type { PlanEvent } from './types.js';

/** A plan event as the webhooks send it (docs/notifications.md); `step` is 0-based in both. */
export function toNotifyEvent(e: PlanEvent): NotifyEvent {
  const step = e.step ?? 0;
  const percent = e.percent ?? 0;
  switch (e.type) {
    case 'step-advanced':
      return {
        type: 'step-advanced',
        step,
        fromPercent: step > 0 ? (e.steps[step - 1] ?? 0) : 0,
        toPercent: percent,
      };
    case 'approval-needed':
      return { type: 'approval-needed', step, percent };
    case 'plan-complete':
      return { type: 'plan-complete', percent };
    case 'rolled-back':
      return { type: 'plan-rolled-back', step, percent, reason: e.reason };
  }
}
