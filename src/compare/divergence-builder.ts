import type { Engine } from '../routing/types.js';
import type { CanonicalEvent } from './canonical.js';
import type { HttpDiff } from './http-diff.js';
import type {
  ComparisonResult,
  IncompleteReason,
  Judgement,
  MismatchDetails,
  MismatchKind,
} from './judgement.js';

export interface StoredSide {
  readonly engine: Engine;
  readonly events: readonly CanonicalEvent[];
  /** Events left out to keep the entry small (the first ones and the last one are kept). */
  readonly omittedEvents: number;
  /** HTTP divergences: the response status. */
  readonly status?: number;
}

/** Which book a divergence belongs to: engine against engine, or an engine against itself. */
export type DivergenceSource = 'cross' | 'baseline';

/** One divergence, as the durable store keeps it and `GET /admin/divergences` serves it. */
export interface Divergence {
  readonly id: string;
  readonly source: DivergenceSource;
  /** ISO-8601. */
  readonly at: string;
  readonly result: Exclude<ComparisonResult, 'match'>;
  readonly kinds: readonly MismatchKind[];
  readonly session?: string;
  readonly route?: string;
  readonly runIndex?: number;
  readonly leakedBy?: readonly Engine[];
  readonly incompleteReason?: IncompleteReason;
  readonly details?: MismatchDetails;
  readonly control: StoredSide;
  readonly candidate: StoredSide;
}

export interface DivergenceBuilderOptions {
  /** One-way hash for user, run and thread ids (e.g. a keyed SHA-256 prefix). */
  readonly hash: (id: string) => string;
  /** Replace error texts with `[redacted]`. Default true. */
  readonly redactText?: boolean;
  /** Events kept per side of a record. Default 100. */
  readonly maxEventsPerSide?: number;
  /** The book of the records built (ids of the baseline book start with `b`). Default `cross`. */
  readonly source?: DivergenceSource;
}

export interface RunContext {
  readonly at: number;
  readonly session?: string;
  readonly runIndex?: number;
}

export interface HttpContext {
  readonly at: number;
  readonly route?: string;
  readonly control: { readonly engine: Engine; readonly status: number };
  readonly candidate: { readonly engine: Engine; readonly status: number };
}

export const REDACTED = '[redacted]';

/**
 * Turns a judged run or HTTP comparison that did not match into the divergence record the
 * durable store writes: an id, ids hashed, free text redacted, events bounded. Keeps nothing:
 * the durable store serves `/admin/divergences` (an in-memory ring here was filled and never read).
 */
export class DivergenceBuilder {
  private readonly maxEvents: number;
  private sequence = 0;

  constructor(private readonly options: DivergenceBuilderOptions) {
    this.maxEvents = Math.max(2, options.maxEventsPerSide ?? 100);
  }

  /** The record of a judged run, or null when it matched. */
  fromRun(judgement: Judgement, context: RunContext): Divergence | null {
    if (judgement.result === 'match') return null;
    const { result, kinds, leakedBy, incompleteReason, details } = judgement;
    return {
      ...this.header(context.at, result, kinds),
      ...(context.session === undefined ? {} : { session: context.session }),
      ...(context.runIndex === undefined ? {} : { runIndex: context.runIndex }),
      ...(leakedBy === undefined ? {} : { leakedBy }),
      ...(incompleteReason === undefined ? {} : { incompleteReason }),
      details,
      control: this.side(judgement.control.engine, judgement.control.events),
      candidate: this.side(judgement.candidate.engine, judgement.candidate.events),
    };
  }

  /** The record of an HTTP comparison, or null when it matched. Never the bodies, only the paths that differ. */
  fromHttp(diff: HttpDiff, context: HttpContext): Divergence | null {
    if (diff.result === 'match') return null;
    return {
      ...this.header(context.at, 'mismatch', diff.kinds),
      ...(context.route === undefined ? {} : { route: context.route }),
      details: { missing: [], extra: [], moved: [], fields: diff.fields },
      control: { ...this.side(context.control.engine, []), status: context.control.status },
      candidate: { ...this.side(context.candidate.engine, []), status: context.candidate.status },
    };
  }

  private header(at: number, result: Divergence['result'], kinds: readonly MismatchKind[]) {
    this.sequence += 1;
    const source = this.options.source ?? 'cross';
    return {
      id: `${source === 'baseline' ? 'b' : ''}${this.sequence}`,
      source,
      at: new Date(Number.isFinite(at) ? at : 0).toISOString(),
      result,
      kinds: [...kinds],
    };
  }

  private side(engine: Engine, events: readonly CanonicalEvent[]): StoredSide {
    const kept =
      events.length <= this.maxEvents
        ? events
        : [...events.slice(0, this.maxEvents - 1), ...events.slice(-1)];
    return { engine, events: kept.map((e) => this.scrub(e)), omittedEvents: events.length - kept.length };
  }

  private scrub(event: CanonicalEvent): CanonicalEvent {
    const hashed = (id: string | null): string | null => (id === null ? null : this.options.hash(id));
    const redact = this.options.redactText ?? true;
    return {
      ...event,
      runId: hashed(event.runId),
      threadId: hashed(event.threadId),
      userId: hashed(event.userId),
      error: redact && event.error !== null ? REDACTED : event.error,
    };
  }
}
