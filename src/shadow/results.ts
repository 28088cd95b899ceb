import type { Logger } from 'pino';
import type {
  ComparisonResult,
  Divergence,
  DivergenceSource,
  DivergenceBuilder,
  HttpDiff,
  Judgement,
  MismatchKind,
} from '../compare/index.js';
import { divergenceKinds } from '../compare/index.js';
import type { Metrics } from '../metrics/catalog.js';
import type { Engine } from '../routing/types.js';
import type { DropReason } from './drop-reason.js';

export interface ResultsDeps {
  metrics: Metrics;
  /** Builds the record of each divergence (ids hashed, text redacted). */
  divergences: DivergenceBuilder;
  log: Logger;
  /** Fraction of mismatches that get a log line. */
  logSampleRate: number;
  /**
   * Every result, with the user it was about and its kinds (the guard's mismatch gate and
   * `/admin/summary`); `baseline` names the engine of a baseline comparison, else null.
   */
  onComparison?: ComparisonHook;
  /** The book kept: cross-engine (default) or the noise baseline, with metrics of its own. */
  source?: DivergenceSource;
  /** Every stored divergence (ids hashed, its `source` set): the durable store's write queue. */
  onStored?: (divergence: Divergence) => void;
  random?: () => number;
  now?: () => number;
}

export type ComparisonHook = (
  result: ComparisonResult,
  userId: string,
  kinds: readonly string[],
  baseline: Engine | null,
) => void;

/** The two books: cross-engine comparisons and the noise baseline. */
export interface Books {
  readonly cross: ShadowResults;
  readonly baseline: ShadowResults;
}

export interface RunWhere {
  userId: string;
  /** `<user hash>.<n>`: never the user id. */
  session: string;
  runIndex: number;
}

export interface HttpWhere {
  userId: string;
  route: string;
  control: { engine: Engine; status: number };
  candidate: { engine: Engine; status: number };
}

/**
 * Where every shadow result goes: `switchyard_shadow_comparisons_total{result}`,
 * `switchyard_divergences_total{kind}`, the timing histograms by engine, the durable store (`onStored`),
 * the guard (through `onComparison`, which also feeds `/admin/summary`), and one sampled log
 * line per mismatch (kinds and where, never content). Dropped shadow work is counted here too.
 */
export class ShadowResults {
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly baseline: boolean;

  constructor(private readonly deps: ResultsDeps) {
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.baseline = deps.source === 'baseline';
  }

  run(judgement: Judgement, where: RunWhere): void {
    const { session, runIndex } = where;
    this.count(judgement.result, judgement.kinds, where.userId, judgement.control.engine);
    // The timing histograms compare the two engines: a baseline run would only blur them.
    if (!this.baseline) this.observeTimings(judgement);
    const stored = this.deps.divergences.fromRun(judgement, { at: this.now(), session, runIndex });
    if (stored !== null) this.deps.onStored?.(stored);
    if (judgement.result === 'mismatch') this.logMismatch(stored, { session, runIndex });
  }

  private observeTimings(judgement: Judgement): void {
    const { metrics } = this.deps;
    for (const side of ['control', 'candidate'] as const) {
      const engine = judgement[side].engine;
      const { firstEventMs, durationMs } = judgement.timings[side];
      if (firstEventMs !== null) metrics.timeToFirstEvent.labels(engine).observe(firstEventMs / 1000);
      if (durationMs !== null) metrics.runDuration.labels(engine).observe(durationMs / 1000);
    }
  }

  http(diff: HttpDiff, where: HttpWhere): void {
    this.count(diff.result, diff.kinds, where.userId, where.control.engine);
    const { route, control, candidate } = where;
    const stored = this.deps.divergences.fromHttp(diff, { at: this.now(), route, control, candidate });
    if (stored !== null) this.deps.onStored?.(stored);
    if (diff.result === 'mismatch') this.logMismatch(stored, { route });
  }

  dropped(reason: DropReason): void {
    this.deps.metrics.shadowDropped.labels(reason).inc();
  }

  private count(
    result: ComparisonResult,
    kinds: readonly MismatchKind[],
    userId: string,
    engine: Engine,
  ): void {
    const { metrics } = this.deps;
    if (this.baseline) {
      metrics.baselineComparisons.labels(engine, result).inc();
      for (const kind of divergenceKinds(result, kinds))
        metrics.baselineDivergences.labels(engine, kind).inc();
    } else {
      metrics.comparisons.labels(result).inc();
      for (const kind of divergenceKinds(result, kinds)) metrics.divergences.labels(kind).inc();
    }
    this.deps.onComparison?.(result, userId, kinds, this.baseline ? engine : null);
  }

  private logMismatch(stored: Divergence | null, where: Record<string, string | number>): void {
    if (stored === null || this.random() >= this.deps.logSampleRate) return;
    const details = stored.details;
    this.deps.log.info(
      {
        divergence: stored.id,
        ...where,
        kinds: stored.kinds,
        control: stored.control.engine,
        candidate: stored.candidate.engine,
        ...(details === undefined
          ? {}
          : { missing: details.missing, extra: details.extra, moved: details.moved, fields: details.fields }),
      },
      this.baseline ? 'baseline mismatch' : 'shadow mismatch',
    );
  }
}
