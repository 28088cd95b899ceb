import type { DivergenceKind, EngineKind } from '../types.js';

/** One event of a run in canonical form; an envelope renders it for the wire. */
export type Step =
  | { type: 'agent_started' }
  | { type: 'agent_thinking'; thought: string; stepNumber: number }
  | { type: 'tool_executing'; tool: string; parameters: Record<string, unknown> }
  | { type: 'tool_completed'; tool: string; result: Record<string, unknown> }
  | { type: 'agent_completed'; status: 'completed' | 'failed'; result: Record<string, unknown> }
  | { type: 'agent_error'; errorMessage: string };

export interface ScriptedStep {
  step: Step;
  /** Wait before this step is sent. */
  delayMs: number;
}

export interface ScriptInput {
  kind: EngineKind;
  prompt: string;
  divergence: DivergenceKind | null;
  stepDelayMs: number;
}

export const SLOW_FIRST_EVENT_MS = 1500;
export const NORMAL_TOOL = 'cost_query';
export const DIVERGENT_TOOL = 'cost_forecast';

const RESULT = { rows: 3, total_cost_usd: 1234.5, top_driver: 'gpt-4o' };

/**
 * The five critical events of a run, with the differences between the engines that
 * docs/design.md ("A run") names (the user engine thinks 2-3 times, legacy once; on failure legacy sends
 * `agent_error`, the user engine `agent_completed` with status `failed`) and one divergence.
 */
export function buildScript({ kind, prompt, divergence, stepDelayMs }: ScriptInput): ScriptedStep[] {
  const tool = divergence === 'tool' ? DIVERGENT_TOOL : NORMAL_TOOL;
  const thoughts =
    (kind === 'legacy' ? 1 : 2 + (prompt.length % 2)) + (divergence === 'extra_thinking' ? 2 : 0);
  const steps: Step[] = [{ type: 'agent_started' }];
  for (let n = 1; n <= thoughts; n++) {
    steps.push({
      type: 'agent_thinking',
      thought: `Step ${n}: working out which costs matter`,
      stepNumber: n,
    });
  }
  steps.push({ type: 'tool_executing', tool, parameters: { query: prompt } });
  if (divergence !== 'missing_event') steps.push({ type: 'tool_completed', tool, result: RESULT });
  steps.push(terminal(kind, divergence === 'failure'));
  return steps.map((step, i) => ({
    step,
    delayMs: i === 0 ? (divergence === 'slow_first_event' ? SLOW_FIRST_EVENT_MS : 0) : stepDelayMs,
  }));
}

function terminal(kind: EngineKind, failed: boolean): Step {
  if (!failed)
    return {
      type: 'agent_completed',
      status: 'completed',
      result: { summary: '3 cost drivers found', ...RESULT },
    };
  return kind === 'legacy'
    ? { type: 'agent_error', errorMessage: 'Tool cost_query failed: upstream timeout' }
    : {
        type: 'agent_completed',
        status: 'failed',
        result: { error: 'Tool cost_query failed: upstream timeout' },
      };
}
