import { isTerminal, type CanonicalEvent } from './canonical.js';

export const THINKING = 'agent_thinking';

/** Where two event-type sequences differ, type by type (each type once per occurrence). */
export interface SequenceDiff {
  /** In control, not in the candidate. */
  readonly missing: readonly string[];
  /** In the candidate, not in control. */
  readonly extra: readonly string[];
  /** On both sides, in another place. */
  readonly moved: readonly string[];
}

/**
 * The sequence a run is compared on: event types, with `agent_error` read as `agent_completed`
 * (the outcome is compared on its own), and each run of repeated `agent_thinking` collapsed.
 */
export function typeSequence(events: readonly CanonicalEvent[]): string[] {
  const out: string[] = [];
  for (const event of events) {
    const type = isTerminal(event.type) ? 'agent_completed' : event.type;
    if (type === THINKING && out.at(-1) === THINKING) continue;
    out.push(type);
  }
  return out;
}

/**
 * LCS-based diff. What is outside the longest common subsequence on both sides is `moved`
 * (same type, another place); the rest is `missing` or `extra`. Thinking steps are noise as
 * long as both sides think at all (the user engine thinks more, and in more places): unmatched
 * `agent_thinking` then counts for nothing; a side that never thinks is still a difference.
 */
export function diffSequences(control: readonly string[], candidate: readonly string[]): SequenceDiff {
  let [onlyControl, onlyCandidate] = unmatched(control, candidate);
  if (control.includes(THINKING) && candidate.includes(THINKING)) {
    onlyControl = onlyControl.filter((t) => t !== THINKING);
    onlyCandidate = onlyCandidate.filter((t) => t !== THINKING);
  }
  const missing: string[] = [];
  const moved: string[] = [];
  const left = [...onlyCandidate];
  for (const type of onlyControl) {
    const i = left.indexOf(type);
    if (i === -1) missing.push(type);
    else {
      moved.push(type);
      left.splice(i, 1);
    }
  }
  return { missing, extra: left, moved };
}

/** The elements of each sequence that are not in one longest common subsequence. */
function unmatched(fullA: readonly string[], fullB: readonly string[]): [string[], string[]] {
  // A common prefix and suffix are always part of an LCS; trimming them keeps the table small.
  let start = 0;
  while (start < fullA.length && start < fullB.length && fullA[start] === fullB[start]) start++;
  let endA = fullA.length;
  let endB = fullB.length;
  while (endA > start && endB > start && fullA[endA - 1] === fullB[endB - 1]) {
    endA--;
    endB--;
  }
  const a = fullA.slice(start, endA);
  const b = fullB.slice(start, endB);
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  const at = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) onlyA.push(a[i++] ?? '');
    else onlyB.push(b[j++] ?? '');
  }
  onlyA.push(...a.slice(i));
  onlyB.push(...b.slice(j));
  return [onlyA, onlyB];
}
