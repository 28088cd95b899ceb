import { normalise, type CanonicalEvent } from '../../../src/compare/canonical.js';
import type { Run } from '../../../src/compare/runs.js';

/** One step of a run, as the engines' frames describe it, whatever the envelope. */
export interface Step {
  readonly type: string;
  readonly agent?: string;
  readonly tool?: string;
  readonly status?: string;
  readonly error?: string;
}

export interface Ids {
  readonly runId: string;
  readonly threadId: string;
  readonly userId: string;
}

/** Envelope A, the bridge: top-level run_id and agent_name, details in `payload`. */
export function bridge(step: Step, ids: Ids, at = 0): Record<string, unknown> {
  return {
    type: step.type,
    run_id: ids.runId,
    agent_name: step.agent ?? 'DataAgent',
    timestamp: new Date(at).toISOString(),
    payload: {
      ...(step.status === undefined ? {} : { status: step.status }),
      ...(step.tool === undefined ? {} : { tool_name: step.tool, parameters: {} }),
      ...(step.error === undefined ? {} : { error_message: step.error, error_context: {} }),
    },
  };
}

/** Envelope B, the emitter: everything in `data`, the tool as `data.tool`. */
export function emitter(step: Step, ids: Ids, at = 0): Record<string, unknown> {
  return {
    type: step.type,
    timestamp: new Date(at).toISOString(),
    critical: true,
    attempt: null,
    data: {
      agent_name: step.agent ?? 'DataAgent',
      run_id: ids.runId,
      thread_id: ids.threadId,
      request_id: `req-${at}`,
      user_id: ids.userId,
      timestamp: at,
      ...(step.status === undefined ? {} : { status: step.status }),
      ...(step.tool === undefined ? {} : { tool: step.tool }),
      ...(step.error === undefined ? {} : { error: step.error }),
    },
  };
}

export type Envelope = typeof bridge;

export const HAPPY: readonly Step[] = [
  { type: 'agent_started', status: 'started' },
  { type: 'agent_thinking', status: 'thinking' },
  { type: 'tool_executing', tool: 'cost_query', status: 'executing' },
  { type: 'tool_completed', tool: 'cost_query', status: 'completed' },
  { type: 'agent_completed', status: 'completed' },
];

export const IDS_A: Ids = { runId: 'run_thread_abc_1_a1', threadId: 'thread_abc', userId: 'alice' };
export const IDS_B: Ids = { runId: 'e5b6c1d0-9f', threadId: 'thread_xyz', userId: 'alice' };

/** Canonical events of `steps` in an envelope, one every `gap` ms from `start`. */
export function events(
  steps: readonly Step[],
  envelope: Envelope,
  ids: Ids,
  start = 0,
  gap = 10,
): CanonicalEvent[] {
  return steps.map((step, i) => {
    const at = start + (i + 1) * gap;
    const event = normalise(envelope(step, ids, at), at);
    if (event === null) throw new Error(`fixture ${step.type} did not normalise`);
    return event;
  });
}

/** A completed run built from canonical events, started at `startedAt`. */
export function run(evts: readonly CanonicalEvent[], startedAt = 0, overrides: Partial<Run> = {}): Run {
  const last = evts.at(-1);
  const terminal =
    last !== undefined && (last.type === 'agent_completed' || last.type === 'agent_error')
      ? last.status === 'failed'
        ? 'failed'
        : 'completed'
      : null;
  return {
    startedAt,
    events: evts,
    firstEventAt: evts[0]?.at ?? null,
    endedAt: last?.at ?? startedAt,
    terminal,
    complete: terminal !== null,
    end: terminal !== null ? 'terminal' : 'timeout',
    droppedEvents: 0,
    ...overrides,
  };
}

export function replace(steps: readonly Step[], index: number, step: Step): Step[] {
  return steps.map((s, i) => (i === index ? step : s));
}
