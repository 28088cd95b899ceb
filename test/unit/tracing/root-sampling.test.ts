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

/** As the traffic handler starts a SERVER span for a request without a traceparent. */
function startRoot(tracing: ReturnType<typeof pipeline>['tracing']) {
  const unsampled = tracing.roots.unsampled('GET /x', SpanKind.SERVER);
  if (unsampled !== null) return { span: unsampled, decidedBySdk: false };
  const span = tracing.tracer.startSpan('GET /x', { kind: SpanKind.SERVER });
  tracing.roots.clear();
  return { span, decidedBySdk: true };
}

describe('root sampling before the SDK', () => {
  it('a root the sampler leaves out is a bare unsampled context; the SDK exports nothing', () => {
    const { tracing, exporter } = pipeline(new AlwaysOffSampler());
    const { span, decidedBySdk } = startRoot(tracing);
    expect(decidedBySdk).toBe(false);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceFlags).toBe(0);
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    span.end();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('at a ratio, a sampled root is the SDK span with the trace id the decision was made on', () => {
    const sampler = new TraceIdRatioBasedSampler(0.5);
    const { tracing, exporter } = pipeline(sampler);
    let sampled = 0;
    for (let i = 0; i < 400; i++) {
      const { span, decidedBySdk } = startRoot(tracing);
      const { traceId, traceFlags } = span.spanContext();
      // The ratio sampler is a function of the trace id: the SDK, asked again, agrees.
      const again: number = sampler.shouldSample(
        ROOT_CONTEXT,
        traceId,
        'GET /x',
        SpanKind.SERVER,
        {},
        [],
      ).decision;
      expect(decidedBySdk).toBe(again !== 0); // 0: NOT_RECORD
      expect(span.isRecording()).toBe(decidedBySdk);
      expect(traceFlags).toBe(decidedBySdk ? 1 : 0);
      if (decidedBySdk) sampled++;
      span.end();
    }
    expect(sampled).toBeGreaterThan(100);
    expect(sampled).toBeLessThan(300);
    expect(exporter.getFinishedSpans()).toHaveLength(sampled);
    expect(new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId)).size).toBe(sampled);
  });

  it('a preset trace id is used once: the next root gets a fresh one', () => {
    const { tracing } = pipeline(new TraceIdRatioBasedSampler(1));
    const first = startRoot(tracing).span;
    const second = tracing.tracer.startSpan('other');
    expect(second.spanContext().traceId).not.toBe(first.spanContext().traceId);
  });
});
