import { diag, DiagLogLevel, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
// The SDK's own reading of OTEL_TRACES_SAMPLER(_ARG); not re-exported by the package's index.
import { buildSamplerFromEnv } from '@opentelemetry/sdk-trace-base/build/src/config.js';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { PresetIds, RootSampling } from './root-sampling.js';

/** The tracer and the W3C propagator of a running trace pipeline. */
export interface Tracing {
  readonly tracer: Tracer;
  readonly propagator: W3CTraceContextPropagator;
  /** Sampling of requests without a `traceparent`, before any SDK span is made. */
  readonly roots: RootSampling;
  /** Exports the spans buffered so far. */
  flush(): Promise<void>;
  /** Flushes and stops the exporter: the proxy's graceful stop. */
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * On only when an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or the traces-only
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), and neither `OTEL_SDK_DISABLED=true` nor
 * `OTEL_TRACES_EXPORTER=none` says otherwise.
 */
export function tracingWanted(env: Env): boolean {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!set('OTEL_EXPORTER_OTLP_ENDPOINT') && !set('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() !== 'none';
}

/** A stop never waits longer than this for an unreachable collector (the hard stop is 15 s). */
const SHUTDOWN_MS = 5_000;

function bounded(work: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

/** The only wire format of the installed exporter; `http/protobuf` and `grpc` need other packages. */
const PROTOCOL = 'http/json';

/**
 * The trace pipeline, or null when tracing is off (then nothing is built and the hot path pays
 * one null check). A BasicTracerProvider with a BatchSpanProcessor and the OTLP/HTTP exporter.
 * The SDK itself reads the rest of the standard variables from the process environment: the
 * endpoint, `OTEL_EXPORTER_OTLP(_TRACES)_HEADERS`, `_TIMEOUT`, `_COMPRESSION`, the sampler
 * (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`), `OTEL_BSP_*` and the span limits. Added
 * here: the service name and `OTEL_RESOURCE_ATTRIBUTES` (the env detector; `switchyard` by
 * default), and SDK warnings (an unreachable collector) into the service's log.
 */
export function createTracing(
  options: { version: string; log: Logger },
  env: Env = process.env,
): Tracing | null {
  if (!tracingWanted(env)) return null;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol !== undefined && protocol.trim() !== PROTOCOL) {
    options.log.warn({ protocol }, `tracing: only ${PROTOCOL} is supported; spans are sent as ${PROTOCOL}`);
  }
  diag.setLogger(
    {
      error: (message) => options.log.warn({ part: 'tracing' }, message),
      warn: (message) => options.log.warn({ part: 'tracing' }, message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'switchyard', [ATTR_SERVICE_VERSION]: options.version }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  const sampler = buildSamplerFromEnv();
  options.log.info({ sampler: sampler.toString() }, 'tracing on (OTLP/HTTP)');
  return buildTracing({
    version: options.version,
    sampler,
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
}

/** The provider and what the spans of requests need of it; tests give it processors of their own. */
export function buildTracing(options: {
  version: string;
  sampler: Sampler;
  spanProcessors: SpanProcessor[];
  resource?: Resource;
}): Tracing {
  const ids = new PresetIds();
  const provider = new BasicTracerProvider({
    sampler: options.sampler,
    idGenerator: ids,
    spanProcessors: options.spanProcessors,
    ...(options.resource === undefined ? {} : { resource: options.resource }),
  });
  return {
    tracer: provider.getTracer('switchyard', options.version),
    propagator: new W3CTraceContextPropagator(),
    roots: new RootSampling(options.sampler, ids),
    flush: () => provider.forceFlush(),
    shutdown: () => bounded(provider.shutdown(), SHUTDOWN_MS),
  };
}
