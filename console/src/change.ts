/** An audit entry's `before` and `after` in one line: only what changed, `rollout 0 → 10`. */
export function describeChange(before: unknown, after: unknown): string {
  // A change that created or removed something: an object against nothing, field by field.
  if (isObj(before) && (after === null || after === undefined)) return describeChange(before, {});
  if (isObj(after) && (before === null || before === undefined)) return describeChange({}, after);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const changed = keys.filter((k) => show(before[k]) !== show(after[k]));
    if (changed.length === 0) return keys.length === 0 ? '—' : 'no change';
    return changed.map((k) => `${k} ${show(before[k])} → ${show(after[k])}`).join(', ');
  }
  if (before === undefined && after === undefined) return '—';
  return `${show(before)} → ${show(after)}`;
}

const MAX = 120;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '—';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}
