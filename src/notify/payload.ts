import { clipReason, eventText } from './event-text.js';
import type { NotifyEvent } from './events.js';

/**
 * The JSON body of a webhook: `{type, at, instance, text, ...details}`. `text` makes it a Slack
 * incoming-webhook message as it is; the details are the event's own fields (reasons clipped).
 */
export function webhookBody(event: NotifyEvent, at: Date, instance: string): string {
  const short = clipped(event);
  const { type, ...details } = short;
  return JSON.stringify({
    type,
    at: at.toISOString(),
    instance,
    text: eventText(short, instance),
    ...details,
  });
}

function clipped(event: NotifyEvent): NotifyEvent {
  if (!('reason' in event) || event.reason === null) return event;
  return { ...event, reason: clipReason(event.reason) };
}
