import type { EngineFaults } from '../types.js';
import { Run, type FrameSink } from './run.js';
import { prepareRun, type Runner } from './runner.js';

/**
 * The legacy engine's runs, with its real leak: one map for every user, keyed by
 * `<agent_name>_<Date.now() ms>`, holding the socket to send to. Every event is sent to
 * whatever the key holds at send time, so a second run of the same agent registered in the
 * same millisecond takes over the first run's events. With `faults.leak` the millisecond is
 * frozen, so concurrent runs of the same agent always cross.
 */
export function createLegacyRunner(faults: () => EngineFaults): Runner {
  const activeRuns = new Map<string, { sink: FrameSink }>();
  const frozenMs = Date.now();

  return {
    start(owner, request) {
      const current = faults();
      const key = `${request.agentName}_${current.leak === true ? frozenMs : Date.now()}`;
      const registration = { sink: owner.sink };
      activeRuns.set(key, registration);
      const { ctx, script } = prepareRun('legacy', current, owner.userId, request);
      const run: Run = new Run(
        ctx,
        script,
        () => activeRuns.get(key)?.sink,
        () => {
          owner.runs.delete(run);
          if (activeRuns.get(key) === registration) activeRuns.delete(key);
        },
      );
      owner.runs.add(run);
      run.start();
      return { ok: true, run };
    },
  };
}
