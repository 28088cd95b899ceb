import type { EngineFaults, EngineKind } from '../types.js';
import { newId, newUuid, shortHex } from '../stamps.js';
import { pickDivergence } from './divergence.js';
import type { RunContext } from './envelopes.js';
import type { FrameSink, Run } from './run.js';
import { buildScript, type ScriptedStep } from './steps.js';

/** The socket session that asked for a run. */
export interface RunOwner {
  userId: string;
  sink: FrameSink;
  /** The owner's live runs, cancelled when its socket closes. */
  runs: Set<Run>;
}

export interface RunRequest {
  prompt: string;
  threadId: string | undefined;
  agentName: string;
}

export type StartResult = { ok: true; run: Run } | { ok: false; code: string; message: string };

/** How an engine starts runs: the one place where the two engines differ in state. */
export interface Runner {
  start(owner: RunOwner, request: RunRequest): StartResult;
}

export const DEFAULT_STEP_DELAY_MS = 20;

/** The context and script of a new run, from the faults as they are now. */
export function prepareRun(
  kind: EngineKind,
  faults: EngineFaults,
  userId: string,
  request: RunRequest,
): { ctx: RunContext; script: ScriptedStep[] } {
  const threadId = request.threadId ?? newId('thread');
  const ctx: RunContext = {
    runId: `run_${threadId}_${Date.now()}_${shortHex()}`,
    threadId,
    userId,
    agentName: request.agentName,
    requestId: newUuid(),
    envelope: faults.envelope ?? (kind === 'legacy' ? 'bridge' : 'emitter'),
  };
  const script = buildScript({
    kind,
    prompt: request.prompt,
    divergence: pickDivergence(request.prompt, faults.divergence, Math.random, faults.regression),
    stepDelayMs: faults.stepDelayMs ?? DEFAULT_STEP_DELAY_MS,
  });
  return { ctx, script };
}
