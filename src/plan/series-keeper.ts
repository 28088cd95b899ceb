import type { Store } from '../store/types.js';
import type { Evidence } from './evidence.js';
import { SERIES_KEY, readSeries, type PlanRecord } from './record.js';
import { addSample, emptySeries, sampleDue, type StepSeries } from './series.js';

/** The current step's gate series, sampled by the driving replica and kept in the store. */
export class SeriesKeeper {
  current: StepSeries = emptySeries(null, null);
  /** The stored version; 0 until read (or after a lost write: read again). */
  private version = 0;

  constructor(private readonly store: Store) {}

  /** A replica that does not drive reads what the driving one wrote. */
  async refresh(): Promise<void> {
    const stored = await this.store.getState(SERIES_KEY);
    if (stored === null || stored.version === this.version) return;
    this.current = readSeries(stored.value);
    this.version = stored.version;
  }

  async sample(record: PlanRecord, evidence: Evidence, now: number): Promise<void> {
    const { plan, state } = record;
    if (this.version === 0) {
      const stored = await this.store.getState(SERIES_KEY);
      if (stored !== null) {
        this.current = readSeries(stored.value);
        this.version = stored.version;
      }
    }
    if (!sampleDue(this.current, state.step, now)) return;
    const percent = plan === null || state.step === null ? null : (plan.steps[state.step] ?? null);
    const next = addSample(this.current, state.step, percent, { ...evidence, at: now });
    if (await this.store.putState(SERIES_KEY, next, this.version, now)) {
      this.current = next;
      this.version += 1;
    } else {
      this.version = 0;
    }
  }
}
