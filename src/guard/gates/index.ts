/** The guard's pure core: samples in, verdicts out. The proxy records, a timer evaluates. */
export { SampleWindow } from './window.js';
export { evaluateGates } from './evaluate.js';
export { DEFAULT_GUARD_LIMITS, checkGuardLimits, type GuardLimits } from './limits.js';
export { BreachTracker, GUARD_MODES, type GuardMode, type GuardTrip, type TrackerStep } from './tracker.js';
export { USER_SKETCH_CAPACITY } from './sketch.js';
export {
  GATE_NAMES,
  type Channel,
  type ChannelTotals,
  type ComparisonTotals,
  type IsolationTotals,
  type ComparisonResult,
  type GateName,
  type GateReport,
  type IsolationEvidence,
  type Verdict,
} from './types.js';
export {
  kindNoise,
  noisyMask,
  type KindNoise,
  type FloorRate,
  type KindRate,
  type NoiseBooks,
} from './noise.js';
export type { MismatchBasis } from './types.js';
