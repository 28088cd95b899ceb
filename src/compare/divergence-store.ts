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

/** One recent divergence, as `GET /admin/divergences` serves it. */
/** Which book a divergence belongs to: engine against engine, or an engine against itself. */
export type DivergenceSource = 'cross' | 'baseline';

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

export interface DivergenceStoreOptions {
  /** One-way hash for user, run and thread ids (e.g. a keyed SHA-256 prefix). */
  readonly hash: (id: string) => string;
  /** Entries kept; the oldest goes first. Default 200. */
  readonly capacity?: number;
  /** Replace error texts with `[redacted]`. Default true. */
  readonly redactText?: boolean;
  /** Events kept per side of an entry. Default 100. */
  readonly maxEventsPerSide?: number;
  /** The book this store keeps (ids of the baseline book start with `b`). Default `cross`. */
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

/** A bounded ring of recent divergences, ids hashed and free text redacted before storing. */
export class DivergenceStore {
  private readonly ring: Divergence[] = [];
  private readonly capacity: number;
  private readonly maxEvents: number;
  private sequence = 0;

  constructor(private readonly options: DivergenceStoreOptions) {
    this.capacity = Math.max(1, options.capacity ?? 200);
    this.maxEvents = Math.max(2, options.maxEventsPerSide ?? 100);
  }

  get size(): number {
    return this.ring.length;
  }

  /** Stores a judged run unless it matched; returns what was stored. */
  addRun(judgement: Judgement, context: RunContext): Divergence | null {
    if (judgement.result === 'match') return null;
    const { result, kinds, leakedBy, incompleteReason, details } = judgement;
    return this.push({
      ...this.header(context.at, result, kinds),
      ...(context.session === undefined ? {} : { session: context.session }),
      ...(context.runIndex === undefined ? {} : { runIndex: context.runIndex }),
      ...(leakedBy === undefined ? {} : { leakedBy }),
      ...(incompleteReason === undefined ? {} : { incompleteReason }),
      details,
      control: this.side(judgement.control.engine, judgement.control.events),
      candidate: this.side(judgement.candidate.engine, judgement.candidate.events),
    });
  }

  /** Stores an HTTP comparison unless it matched. Bodies are never stored, only the paths that differ. */
  addHttp(diff: HttpDiff, context: HttpContext): Divergence | null {
    if (diff.result === 'match') return null;
    return this.push({
      ...this.header(context.at, 'mismatch', diff.kinds),
      ...(context.route === undefined ? {} : { route: context.route }),
      details: { missing: [], extra: [], moved: [], fields: diff.fields },
      control: { ...this.side(context.control.engine, []), status: context.control.status },
      candidate: { ...this.side(context.candidate.engine, []), status: context.candidate.status },
    });
  }

  /** Newest first; `kind` matches a result (`isolation`) or a mismatch kind (`tool`). */
  list(query: { readonly limit?: number; readonly kind?: string } = {}): Divergence[] {
    const limit = Math.max(0, Math.min(query.limit ?? this.capacity, this.capacity));
    const newestFirst = [...this.ring].reverse();
    const kind = query.kind;
    const wanted =
      kind === undefined
        ? newestFirst
        : newestFirst.filter((d) => d.result === kind || d.kinds.some((k) => k === kind));
    return wanted.slice(0, limit);
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

  private push(entry: Divergence): Divergence {
    this.ring.push(entry);
    if (this.ring.length > this.capacity) this.ring.shift();
    return entry;
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
