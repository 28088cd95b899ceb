import { isoNaive, isoUtc } from '../stamps.js';
import type { Step } from './steps.js';

/** Who a run belongs to and what it is called on the wire. */
export interface RunContext {
  runId: string;
  threadId: string;
  userId: string;
  agentName: string;
  requestId: string;
  envelope: 'bridge' | 'emitter';
}

/** Renders a step in the run's envelope; `executionTimeMs` is filled in for completions. */
export function renderEvent(ctx: RunContext, step: Step, executionTimeMs: number): Record<string, unknown> {
  return ctx.envelope === 'bridge' ? bridge(ctx, step, executionTimeMs) : emitter(ctx, step, executionTimeMs);
}

/** Envelope A: top-level run_id (and thread_id), no user id, event fields in `payload`. */
function bridge(ctx: RunContext, step: Step, executionTimeMs: number): Record<string, unknown> {
  return {
    type: step.type,
    run_id: ctx.runId,
    thread_id: ctx.threadId,
    agent_name: ctx.agentName,
    timestamp: isoUtc(),
    payload: bridgePayload(ctx, step, executionTimeMs),
  };
}

function bridgePayload(ctx: RunContext, step: Step, executionTimeMs: number): Record<string, unknown> {
  switch (step.type) {
    case 'agent_started':
      return {
        status: 'started',
        context: {},
        message: `${ctx.agentName} has started processing your request`,
      };
    case 'agent_thinking':
      return { reasoning: step.thought, step_number: step.stepNumber, status: 'thinking' };
    case 'tool_executing':
      return { tool_name: step.tool, parameters: step.parameters, status: 'executing' };
    case 'tool_completed':
      return {
        tool_name: step.tool,
        result: step.result,
        execution_time_ms: executionTimeMs,
        status: 'completed',
      };
    case 'agent_completed':
      return { status: step.status, result: step.result, execution_time_ms: executionTimeMs };
    case 'agent_error':
      return { status: 'error', error_message: step.errorMessage, error_context: {} };
  }
}

/** Envelope B: everything in `data`, which carries the run owner's user id. */
function emitter(ctx: RunContext, step: Step, executionTimeMs: number): Record<string, unknown> {
  const now = Date.now();
  return {
    type: step.type,
    timestamp: isoNaive(now),
    critical: true,
    attempt: null,
    data: {
      agent_name: ctx.agentName,
      run_id: ctx.runId,
      thread_id: ctx.threadId,
      request_id: ctx.requestId,
      user_id: ctx.userId,
      timestamp: isoNaive(now),
      ...emitterData(step, executionTimeMs),
    },
  };
}

function emitterData(step: Step, executionTimeMs: number): Record<string, unknown> {
  const metadata = { user_tier: 'free' };
  switch (step.type) {
    case 'agent_started':
      return { status: 'started', metadata };
    case 'agent_thinking':
      return { status: 'thinking', thought: step.thought, step_number: step.stepNumber, metadata };
    case 'tool_executing':
      return { status: 'executing', tool: step.tool, parameters: step.parameters, metadata };
    case 'tool_completed':
      return {
        status: 'completed',
        tool: step.tool,
        result: step.result,
        metadata: { ...metadata, execution_time_ms: executionTimeMs },
      };
    case 'agent_completed':
      return {
        status: step.status,
        result: step.result,
        metadata: { ...metadata, execution_time_ms: executionTimeMs },
      };
    case 'agent_error':
      return { status: 'error', error_message: step.errorMessage, metadata };
  }
}
