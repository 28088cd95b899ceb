import type { RollbackTrigger } from '../routing/types.js';

/** Everything Switchyard notifies about; a fixed set (the `type` label of the notify metrics). */
export const NOTIFY_EVENT_TYPES = [
  'step-advanced',
  'approval-needed',
  'guard-breach',
  'rollback',
  'resume',
  'plan-complete',
  'plan-rolled-back',
] as const;
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number];

/**
 * One notification. The fields besides `type` are the webhook body's details (docs/notifications.md):
 * numbers, fixed words and operator- or guard-written reasons; never a token, user id or message text.
 */
export type NotifyEvent =
  | { type: 'step-advanced'; step: number; fromPercent: number; toPercent: number }
  | { type: 'approval-needed'; step: number; percent: number }
  | { type: 'guard-breach'; gate: string | null; reason: string }
  /** `engagedAt` is the switch's own time, the same at every replica that sees the rollback. */
  | { type: 'rollback'; trigger: RollbackTrigger; reason: string | null; engagedAt: string | null }
  | { type: 'resume' }
  | { type: 'plan-complete'; percent: number }
  | { type: 'plan-rolled-back'; step: number; percent: number; reason: string | null };

/** A callback that takes events: what a producer (the plan driver, the server's wiring) is given. */
export type NotifyListener = (event: NotifyEvent) => void;
