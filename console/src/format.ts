/** Small, locale-independent formatting. */
export function clock(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour12: false });
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const ms = now - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return iso;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(Math.abs(value) < 1 ? 4 : 2)));
}

export function percentOf(part: number, whole: number): string {
  return whole <= 0 ? '—' : `${Math.round((100 * part) / whole)}%`;
}

/** The source's kind and health as the replica reported them; anything else shown as it came. */
export function sourceHealth(status: unknown): string {
  if (typeof status === 'string') return status;
  if (typeof status !== 'object' || status === null) return '—';
  const s = status as { kind?: unknown; ready?: unknown; up?: unknown; problem?: unknown };
  const kind = typeof s.kind === 'string' ? s.kind : 'unknown';
  if (s.ready === true && s.up !== false) return `${kind} ✓`;
  const problem =
    typeof s.problem === 'string' && s.problem !== ''
      ? s.problem
      : s.ready === true
        ? 'unreachable'
        : 'not ready';
  return `${kind} ✕ ${problem}`;
}
