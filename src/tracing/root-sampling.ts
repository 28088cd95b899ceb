import { ROOT_CONTEXT, SamplingDecision, type SpanKind } from '@opentelemetry/api';
import { RandomIdGenerator, type IdGenerator, type Sampler } from '@opentelemetry/sdk-trace-base';
import { randomFillSync } from 'node:crypto';

/**
 * The provider's id generator, which can be told the next trace id: a root whose sampling was
 * decided here gets, as the SDK's span, the trace id that decision was made on.
 */
export class PresetIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private next: string | null = null;

  preset(traceId: string | null): void {
    this.next = traceId;
  }

  generateTraceId(): string {
    const id = this.next;
    if (id === null) return this.random.generateTraceId();
    this.next = null;
    return id;
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

/** A trace id and a span id: 16 + 8 random bytes, 48 hex digits. */
const PAIR_HEX = 48;
const PAIRS_PER_FILL = 64;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * The ids of unsampled roots, hex-encoded 64 pairs at a time from one `randomFillSync`: the
 * SDK's RandomIdGenerator writes and hex-encodes a Buffer per id, which was a third of an
 * unsampled request's tracing work in the proxy's profile (docs/decisions.md, "Tracing").
 */
class IdPairs {
  private readonly bytes = Buffer.allocUnsafe((PAIR_HEX / 2) * PAIRS_PER_FILL);
  private hex = '';
  private used = PAIRS_PER_FILL;

  /** The next pair: the trace id is its first 32 digits, the span id its last 16. */
  next(): string {
    if (this.used === PAIRS_PER_FILL) {
      this.hex = randomFillSync(this.bytes).toString('hex');
      this.used = 0;
    }
    const start = this.used++ * PAIR_HEX;
    return this.hex.slice(start, start + PAIR_HEX);
  }
}

const NO_ATTRIBUTES = Object.freeze({});
/** As a number: the SDK's enum reaches this file through two declaration paths (CJS and ESM types). */
const NOT_RECORD: number = SamplingDecision.NOT_RECORD;

/**
 * A request without a `traceparent` asks the provider's own sampler first. Left out (99 % at a
 * 1 % ratio), it is only a `traceparent` for the engine: the SDK is not called, which costs about
 * half of what a non-recording SDK span does (context lookups, span metrics, span objects). Sampled, the SDK makes the span, with the same trace id, so its own
 * call to the (deterministic) sampler agrees.
 */
export class RootSampling {
  private readonly pairs = new IdPairs();

  constructor(
    private readonly sampler: Sampler,
    private readonly ids: PresetIds,
  ) {}

  /** The `traceparent` of a root the sampler leaves out; null when the SDK is to start it. */
  unsampled(name: string, kind: SpanKind): string | null {
    const pair = this.pairs.next();
    let traceId = pair.slice(0, 32);
    if (traceId === ZERO_TRACE) traceId = this.ids.generateTraceId();
    const result = this.sampler.shouldSample(ROOT_CONTEXT, traceId, name, kind, NO_ATTRIBUTES, []);
    const decision: number = result.decision;
    if (decision === NOT_RECORD) {
      const spanId = pair.slice(32);
      return `00-${traceId}-${spanId === ZERO_SPAN ? this.ids.generateSpanId() : spanId}-00`;
    }
    // A copy: a slice would keep the whole pool's string alive as long as the exported span.
    this.ids.preset(Buffer.from(traceId, 'latin1').toString('latin1'));
    return null;
  }

  /** After the SDK started the span: a preset it did not use must not reach another span. */
  clear(): void {
    this.ids.preset(null);
  }
}
