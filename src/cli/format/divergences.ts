import type { CanonicalEventView, DivergenceSide, DivergenceView } from '../../../console/src/api-types.js';
import { plural } from './text.js';

const SHOWN_EVENTS = 12;

function event(e: CanonicalEventView): string {
  return e.tool
    ? `${e.type}(${e.tool})`
    : e.status && e.type.startsWith('agent_')
      ? `${e.type}:${e.status}`
      : e.type;
}

/** `control   legacy  4 events: a > b > c`; long streams keep their head and their last event. */
export function sideLine(label: string, side: DivergenceSide): string {
  const events = side.events;
  const shown =
    events.length <= SHOWN_EVENTS
      ? events.map(event)
      : [
          ...events.slice(0, SHOWN_EVENTS - 1).map(event),
          `... ${events.length - SHOWN_EVENTS} more ...`,
          event(events[events.length - 1] as CanonicalEventView),
        ];
  const omitted = side.omittedEvents ? ` (+${side.omittedEvents} not kept)` : '';
  const status = side.status === undefined ? '' : ` HTTP ${side.status}`;
  if (status !== '' && events.length === 0) return `  ${label.padEnd(9)} ${side.engine.padEnd(6)}${status}`;
  return `  ${label.padEnd(9)} ${side.engine.padEnd(6)}${status === '' ? '' : `${status};`} ${plural(events.length, 'event')}${omitted}: ${shown.join(' > ') || '(none)'}`;
}

export function formatDivergence(d: DivergenceView): string {
  const where =
    d.session !== undefined ? `session ${d.session}` : d.route !== undefined ? `route ${d.route}` : '';
  const kinds = d.kinds.length > 0 ? ` [${d.kinds.join(', ')}]` : '';
  return [
    `${d.id}  ${d.at}  ${d.result}${kinds}  ${where}`.trimEnd(),
    sideLine('control', d.control),
    sideLine('candidate', d.candidate),
  ].join('\n');
}

/** `switchyard divergences`: newest first as the API gives them, the two streams side by side. */
export function formatDivergences(items: readonly DivergenceView[]): string {
  if (items.length === 0) return 'no divergences recorded';
  return [`${plural(items.length, 'divergence')}:`, ...items.map(formatDivergence)].join('\n\n');
}
