import type { CanonicalEventView } from './api-types.js';

/** The fields compared between two aligned events (ids differ between engines by design). */
const THINKING = 'agent_thinking';

export const COMPARED = ['type', 'agent', 'tool', 'status', 'error'] as const;
export type ComparedField = (typeof COMPARED)[number];

export interface AlignedRow {
  control: CanonicalEventView | null;
  candidate: CanonicalEventView | null;
  /** The fields that differ; empty when the two events agree or one side has none. */
  fields: ComparedField[];
  /**
   * 'same', 'differs' (both present), 'missing' (only control), 'extra' (only candidate), or
   * 'repeat': an unpaired `agent_thinking` right after another, which the comparator collapses.
   */
  verdict: 'same' | 'differs' | 'missing' | 'extra' | 'repeat';
}

/**
 * Lines two event streams up event by event: the longest common subsequence of event types
 * anchors them, and between anchors the leftover events are paired in order (a substitution)
 * before the rest stand alone. Each column keeps its own stream's order.
 */
export function align(
  control: readonly CanonicalEventView[],
  candidate: readonly CanonicalEventView[],
): AlignedRow[] {
  const n = control.length;
  const m = candidate.length;
  // lcs[i][j]: length of the LCS of control[i..] and candidate[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] =
        control[i]!.type === candidate[j]!.type
          ? lcs[i + 1]![j + 1]! + 1
          : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: AlignedRow[] = [];
  let onlyControl: CanonicalEventView[] = [];
  let onlyCandidate: CanonicalEventView[] = [];
  const flush = (): void => {
    // Extra thinking ahead of a gap stands alone, so the events after it pair with their like.
    while (onlyCandidate.length > onlyControl.length && onlyCandidate[0]?.type === THINKING) {
      rows.push(row(null, onlyCandidate.shift()!));
    }
    while (onlyControl.length > onlyCandidate.length && onlyControl[0]?.type === THINKING) {
      rows.push(row(onlyControl.shift()!, null));
    }
    const pairs = Math.max(onlyControl.length, onlyCandidate.length);
    for (let k = 0; k < pairs; k++) rows.push(row(onlyControl[k] ?? null, onlyCandidate[k] ?? null));
    onlyControl = [];
    onlyCandidate = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && control[i]!.type === candidate[j]!.type && lcs[i]![j] === lcs[i + 1]![j + 1]! + 1) {
      flush();
      rows.push(row(control[i++]!, candidate[j++]!));
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      onlyControl.push(control[i++]!);
    } else {
      onlyCandidate.push(candidate[j++]!);
    }
  }
  flush();
  return markRepeats(rows);
}

/** The comparator collapses repeated `agent_thinking`: an unpaired repeat is not a difference. */
function markRepeats(rows: AlignedRow[]): AlignedRow[] {
  let lastControl: string | null = null;
  let lastCandidate: string | null = null;
  return rows.map((r) => {
    const repeat =
      (r.verdict === 'missing' && r.control?.type === THINKING && lastControl === THINKING) ||
      (r.verdict === 'extra' && r.candidate?.type === THINKING && lastCandidate === THINKING);
    lastControl = r.control?.type ?? lastControl;
    lastCandidate = r.candidate?.type ?? lastCandidate;
    return repeat ? { ...r, verdict: 'repeat' } : r;
  });
}

function row(control: CanonicalEventView | null, candidate: CanonicalEventView | null): AlignedRow {
  if (control === null) return { control, candidate, fields: [], verdict: 'extra' };
  if (candidate === null) return { control, candidate, fields: [], verdict: 'missing' };
  const fields = COMPARED.filter((f) => (control[f] ?? null) !== (candidate[f] ?? null));
  return { control, candidate, fields, verdict: fields.length === 0 ? 'same' : 'differs' };
}
