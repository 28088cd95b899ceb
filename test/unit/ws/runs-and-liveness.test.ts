import { buildConfig } from '../../../src/config/load.js';
import { effectiveIdleTimeout } from '../../../src/ws/liveness.js';
import { RunTracker } from '../../../src/ws/run-tracker.js';

const frame = (type: string) => Buffer.from(JSON.stringify({ type, run_id: 'r' }));

describe('RunTracker', () => {
  it('counts overlapping runs and reports the end of the last one, once', () => {
    const runs = new RunTracker();
    let ends = 0;
    runs.onEnd(() => ends++);
    runs.clientFrame('user_message');
    runs.clientFrame('execute_agent');
    expect(runs.inRun).toBe(true);
    runs.engineFrame(frame('agent_completed'), undefined);
    expect([runs.inRun, ends]).toEqual([true, 0]);
    runs.engineFrame(frame('agent_thinking'), 'agent_thinking');
    runs.engineFrame(frame('agent_error'), 'agent_error');
    expect([runs.inRun, ends]).toEqual([false, 1]);
    runs.engineFrame(frame('agent_completed'), 'agent_completed');
    expect(ends).toBe(1);
  });

  it('takes every alias as a run start and stop_agent as the end of all runs', () => {
    const runs = new RunTracker();
    for (const t of ['chat_message', 'user', 'message', 'start_agent']) runs.clientFrame(t);
    runs.clientFrame('ping');
    runs.clientFrame(null);
    let ends = 0;
    const off = runs.onEnd(() => ends++);
    runs.clientFrame('stop_agent');
    expect([runs.inRun, ends]).toEqual([false, 1]);
    off();
    runs.clientFrame('user_message');
    runs.engineFrame(frame('agent_completed'), 'agent_completed');
    expect(ends).toBe(1);
  });

  it('does not take a frame that only mentions a terminal event for one', () => {
    const runs = new RunTracker();
    runs.clientFrame('user_message');
    runs.engineFrame(
      Buffer.from('{"type":"agent_thinking","payload":{"reasoning":"\\"agent_completed\\""}}'),
      undefined,
    );
    expect(runs.inRun).toBe(true);
  });
});

describe('liveness settings', () => {
  it('defaults to pings every 30 s and a 75 s idle timeout, longer than the web client 15/30 s JSON ping', () => {
    const minimal = {
      engines: { legacy: { url: 'http://127.0.0.1:1' }, user: { url: 'http://127.0.0.1:2' } },
      jwt: { secret: 'x'.repeat(32) },
    };
    const ws = buildConfig(minimal, {}).websocket;
    expect([ws.pingIntervalMs, ws.idleTimeoutMs]).toEqual([30_000, 75_000]);
    expect(effectiveIdleTimeout(ws)).toBeGreaterThan(30_000);
  });

  it('never lets the idle timeout fall under two ping intervals', () => {
    expect(effectiveIdleTimeout({ pingIntervalMs: 30_000, idleTimeoutMs: 10_000 })).toBe(60_000);
    expect(effectiveIdleTimeout({ pingIntervalMs: 100, idleTimeoutMs: 250 })).toBe(250);
  });
});
