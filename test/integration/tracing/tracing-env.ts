import { pino } from 'pino';
import { createTracing, type Tracing } from '../../../src/tracing/setup.js';
import type { OtlpReceiver, ReceivedSpan } from '../../support/otlp-receiver.js';

/**
 * Builds the trace pipeline as the service does, from `OTEL_*` variables: the SDK reads them from
 * the process environment when it is built, so they are set for that moment only.
 */
export function tracingFromEnv(vars: Record<string, string>): Tracing | null {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  try {
    return createTracing({ version: 'test', log: pino({ level: 'silent' }) }, process.env);
  } finally {
    for (const name of Object.keys(vars)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

/** Flushes until `count` spans matching `which` have arrived at the receiver. */
export async function untilSpans(
  tracing: Tracing,
  receiver: OtlpReceiver,
  count: number,
  which: (s: ReceivedSpan) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<ReceivedSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await tracing.flush();
    const found = receiver.spans().filter(which);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`${found.length} spans arrived, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A W3C traceparent of a sampled client span, as a browser or a gateway would send it. */
export function clientTraceparent(i: number): { header: string; traceId: string; spanId: string } {
  const traceId = (0xabc00000 + i).toString(16).padStart(32, '0');
  const spanId = (0x5000 + i).toString(16).padStart(16, '0');
  return { header: `00-${traceId}-${spanId}-01`, traceId, spanId };
}
