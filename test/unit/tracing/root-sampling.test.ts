import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { buildTracing } from '../../../src/tracing/setup.js';

function pipeline(sampler: Sampler) {
  const exporter = new InMemorySpanExporter();
  const tracing = buildTracing({
    version: 'test',
    sampler,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracing, exporter };
}

/** As HttpTracing starts a request without a traceparent: a traceparent, or the SDK's span. */
function startRoot(tracing: ReturnType<typeof pipeline>['tracing']) {
  const unsampled = tracing.roots.unsampled('GET /x', SpanKind.SERVER);
  if (unsampled !== null) {
    const [, traceId, spanId, flags] = unsampled.split('-');
    return { traceId: traceId!, spanId: spanId!, flags: flags!, span: null };
  }
  const span = tracing.tracer.startSpan('GET /x', { kind: SpanKind.SERVER });
  tracing.roots.clear();
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId, flags: '01', span };
}

describe('root sampling before the SDK', () => {
  it('a root the sampler leaves out is only an unsampled traceparent; the SDK exports nothing', () => {
    const { tracing, exporter } = pipeline(new AlwaysOffSampler());
    const root = startRoot(tracing);
    expect(root.span).toBeNull();
    expect(root.flags).toBe('00');
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('at a ratio, a sampled root is the SDK span with the trace id the decision was made on', () => {
    const sampler = new TraceIdRatioBasedSampler(0.5);
    const { tracing, exporter } = pipeline(sampler);
    let sampled = 0;
    for (let i = 0; i < 400; i++) {
      const root = startRoot(tracing);
      // The ratio sampler is a function of the trace id: asked again, it agrees.
      const again: number = sampler.shouldSample(ROOT_CONTEXT, root.traceId).decision;
      expect(root.span !== null).toBe(again !== 0); // 0: NOT_RECORD
      if (root.span === null) continue;
      expect(root.span.isRecording()).toBe(true);
      sampled++;
      root.span.end();
    }
    expect(sampled).toBeGreaterThan(100);
    expect(sampled).toBeLessThan(300);
    expect(exporter.getFinishedSpans()).toHaveLength(sampled);
    expect(new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).size).toBe(sampled);
  });

  it('a preset trace id is used once: the next root gets a fresh one', () => {
    const { tracing } = pipeline(new TraceIdRatioBasedSampler(1));
    const first = startRoot(tracing);
    expect(first.span).not.toBeNull();
    const second = tracing.tracer.startSpan('other');
    expect(second.spanContext().traceId).not.toBe(first.traceId);
  });
});
