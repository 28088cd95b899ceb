import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RunTracker } from '../../../src/ws/run-tracker.js';
import { SessionTrace } from '../../../src/tracing/ws-trace.js';
import { buildTracing, type Tracing } from '../../../src/tracing/setup.js';

/** A pipeline that keeps finished spans in memory, every span sampled. */
function memoryTracing(): { tracing: Tracing; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  const tracing = buildTracing({
    version: 'test',
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracing, exporter };
}

const frame = (type: string) => Buffer.from(JSON.stringify({ type, run_id: 'r' }));

describe('run spans, fed by the run tracker', () => {
  let tracing: Tracing;
  let exporter: InMemorySpanExporter;
  let session: SessionTrace;
  let runs: RunTracker;

  beforeEach(() => {
    ({ tracing, exporter } = memoryTracing());
    const handshake = tracing.tracer.startSpan('GET /ws');
    handshake.end();
    session = new SessionTrace(tracing, handshake, { 'switchyard.engine': 'user' });
    runs = new RunTracker();
    runs.observer = session;
    exporter.reset();
  });

  const ended = () =>
    exporter
      .getFinishedSpans()
      .map((s) => [s.attributes['switchyard.run.start'], s.attributes['switchyard.run.end']]);

  it('overlapping runs: a terminal event ends the oldest, stop_agent ends the rest', () => {
    runs.clientFrame('user_message');
    runs.clientFrame('start_agent');
    runs.clientFrame('execute_agent');
    runs.engineFrame(frame('agent_thinking'), undefined);
    expect(ended()).toEqual([]);
    runs.engineFrame(frame('agent_error'), undefined);
    expect(ended()).toEqual([['user_message', 'agent_error']]);
    expect(exporter.getFinishedSpans()[0]!.status.code).toBe(2);
    runs.clientFrame('stop_agent');
    expect(ended()).toEqual([
      ['user_message', 'agent_error'],
      ['start_agent', 'stop_agent'],
      ['execute_agent', 'stop_agent'],
    ]);
    expect(runs.inRun).toBe(false);
  });

  it('a frame that is not a run start opens nothing; a close ends open runs as closed', () => {
    runs.clientFrame('ping');
    runs.clientFrame('session_restore');
    runs.engineFrame(frame('agent_completed'), undefined); // no run open: nothing to end
    expect(ended()).toEqual([]);
    runs.clientFrame('chat_message');
    session.close();
    expect(ended()).toEqual([['chat_message', 'closed']]);
  });

  it('events go on the open runs, or on a span of their own linked to the handshake', () => {
    session.event('switchyard.drain', { 'switchyard.drain.in_run': false });
    const [alone] = exporter.getFinishedSpans();
    expect(alone!.name).toBe('switchyard.drain');
    expect(alone!.links).toHaveLength(1);
    expect(alone!.events.map((e) => e.name)).toEqual(['switchyard.drain']);
    exporter.reset();
    runs.clientFrame('user_message');
    session.event('switchyard.isolation.block', { 'switchyard.isolation.evidence': 'user_id' });
    runs.engineFrame(frame('agent_completed'), 'agent_completed');
    const [run] = exporter.getFinishedSpans();
    expect(run!.name).toBe('agent run');
    expect(run!.events.map((e) => e.name)).toEqual(['switchyard.isolation.block']);
    expect(run!.attributes['switchyard.engine']).toBe('user');
  });
});
