/** The comparator: pure, data in and data out. See each module for its one idea. */
export {
  normalise,
  normaliseText,
  outcomeOf,
  isTerminal,
  mayBeTerminal,
  CANONICAL_FIELDS,
} from './canonical.js';
export type { CanonicalEvent, CanonicalField, Outcome } from './canonical.js';
export { isRunStart, RunSplitter } from './runs.js';
export type { Run, RunEnd } from './runs.js';
export { typeSequence, diffSequences } from './sequence.js';
export type { SequenceDiff } from './sequence.js';
export { diffRuns } from './diff.js';
export type { RunSide } from './diff.js';
export { COMPARISON_RESULTS, DIVERGENCE_KINDS, divergenceKinds, MISMATCH_KINDS } from './judgement.js';
export type {
  ComparisonResult,
  DiffOptions,
  IncompleteReason,
  JudgedSide,
  Judgement,
  MismatchDetails,
  MismatchKind,
  Side,
  Timing,
} from './judgement.js';
export { SessionComparator } from './session-comparator.js';
export type { SessionComparatorOptions } from './session-comparator.js';
export { diffHttp, DEFAULT_HTTP_IGNORE } from './http-diff.js';
export type { HttpDiff, HttpDiffOptions, HttpMismatchKind, HttpResponseSample } from './http-diff.js';
export { DivergenceBuilder, REDACTED } from './divergence-builder.js';
export type {
  Divergence,
  DivergenceSource,
  DivergenceBuilderOptions,
  HttpContext,
  RunContext,
  StoredSide,
} from './divergence-builder.js';
