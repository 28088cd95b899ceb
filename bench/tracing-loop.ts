import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
// The sampler the proxy builds from OTEL_TRACES_SAMPLER(_ARG), as src/tracing/setup.ts does.
import { buildSamplerFromEnv } from '@opentelemetry/sdk-trace-base/build/src/config.js';
import { DEFAULT_ROUTES } from '../src/config/routes.js';
import { createIdHasher } from '../src/log/hash-id.js';
import type { Assignment } from '../src/routing/types.js';
import { engineAddress } from '../src/tracing/engine-call.js';
import { HttpTracing } from '../src/tracing/http-trace.js';
import { buildTracing } from '../src/tracing/setup.js';

/**
 * `node dist/bench/tracing-loop.js`: the per-request tracing work of the traffic path alone, in a
 * loop (no network): the SERVER span or its absence, the decision, the engine request's CLIENT
 * span and its `traceparent`, the response's close. Spans go to a BatchSpanProcessor whose
 * exporter drops them (the OTLP encoding is not counted). Reports ns per request at a 0 %, 1 %
 * and 100 % `parentbased_traceidratio` sample, best of BENCH_REPS (5) runs of BENCH_LOOP (200,000);
 * `harness` is the loop's own cost, to subtract.
 */
const N = Number(process.env.BENCH_LOOP ?? 200_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const dropping: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const route = DEFAULT_ROUTES.find((r) => r.path !== '*') ?? DEFAULT_ROUTES[0]!;
const address = engineAddress('legacy', 'http://127.0.0.1:8000');
const assignment: Assignment = { serve: 'legacy', shadow: 'none', reason: 'rollout' };
const req = {
  method: route.method,
  httpVersion: '1.1',
  headers: {} as Record<string, string>,
  socket: { localPort: 8080 },
} as unknown as IncomingMessage;

/** The loop without tracing: the harness's own objects (a response emitter, a headers object). */
function harnessNs(): number {
  let best = Infinity;
  for (let r = 0; r < REPS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      const res = Object.assign(new EventEmitter(), { writableFinished: true, statusCode: 200 });
      const headers: Record<string, string> = { host: 'x' };
      headers.traceparent = `user-${i % 1000}`;
      res.emit('close');
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / N);
  }
  return Math.round(best);
}

function nsPerRequest(ratio: string): number {
  process.env.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
  process.env.OTEL_TRACES_SAMPLER_ARG = ratio;
  const tracing = buildTracing({
    version: 'bench',
    sampler: buildSamplerFromEnv(),
    spanProcessors: [new BatchSpanProcessor(dropping)],
  });
  const http = new HttpTracing(tracing, createIdHasher('bench-secret-bench-secret-bench-secret'));
  let best = Infinity;
  for (let r = 0; r < REPS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      const res = Object.assign(new EventEmitter(), { writableFinished: true, statusCode: 200 });
      const trace = http.start(req, res as unknown as ServerResponse, route);
      trace.decided(assignment, `user-${i % 1000}`);
      const call = trace.engineCall(address);
      const headers: Record<string, string> = { host: 'x' };
      call.inject(headers);
      call.finished(200);
      res.emit('close');
    }
    best = Math.min(best, Number(process.hrtime.bigint() - started) / N);
  }
  void tracing.shutdown();
  return Math.round(best);
}

const out: Record<string, number> = { harness: harnessNs() };
for (const ratio of ['0', '0.01', '1']) out[`${Number(ratio) * 100}%`] = nsPerRequest(ratio);
console.log(`tracing ns per request, best of ${REPS} x ${N} (no network):`, out);
