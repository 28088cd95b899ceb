import { isTerminal, type CanonicalEvent, type CanonicalField } from './canonical.js';

const MAX_FIELD_DIFFERENCES = 50;

/**
 * Compares configured canonical fields: the nth event of a type on control with the nth event
 * of that type on the candidate (events present on one side only are the sequence diff's
 * business). `agent_error` is read as `agent_completed`, as in the type sequence. Returns
 * `<type>#<n>.<field>` for each difference, at most 50.
 */
export function compareFields(
  control: readonly CanonicalEvent[],
  candidate: readonly CanonicalEvent[],
  fields: Readonly<Record<string, readonly CanonicalField[]>>,
): string[] {
  if (Object.keys(fields).length === 0) return [];
  const everywhere = fields['*'] ?? [];
  const byTypeCandidate = groupByType(candidate);
  const out: string[] = [];
  for (const [type, events] of groupByType(control)) {
    const wanted = [...new Set([...everywhere, ...(fields[type] ?? [])])];
    if (wanted.length === 0) continue;
    const others = byTypeCandidate.get(type) ?? [];
    const n = Math.min(events.length, others.length);
    for (let i = 0; i < n && out.length < MAX_FIELD_DIFFERENCES; i++) {
      for (const field of wanted) {
        if (events[i]?.[field] !== others[i]?.[field]) out.push(`${type}#${i}.${field}`);
      }
    }
  }
  return out.slice(0, MAX_FIELD_DIFFERENCES);
}

function groupByType(events: readonly CanonicalEvent[]): Map<string, CanonicalEvent[]> {
  const groups = new Map<string, CanonicalEvent[]>();
  for (const event of events) {
    const type = isTerminal(event.type) ? 'agent_completed' : event.type;
    const group = groups.get(type);
    if (group === undefined) groups.set(type, [event]);
    else group.push(event);
  }
  return groups;
}
