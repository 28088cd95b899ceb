import type { EngineFaults } from '../types.js';
import { Run } from './run.js';
import { prepareRun, type Runner } from './runner.js';

export const MAX_RUNS_PER_USER = 3;

/**
 * The UserExecutionEngine's runs: state kept per user, a run's events go only to the socket
 * that started it, and a user has at most three runs at once. An entry is dropped with its
 * user's last run, so no state outlives its use.
 */
export function createUserRunner(faults: () => EngineFaults): Runner {
  const runsByUser = new Map<string, Set<Run>>();

  return {
    start(owner, request) {
      const runs = runsByUser.get(owner.userId) ?? new Set<Run>();
      if (runs.size >= MAX_RUNS_PER_USER) {
        return {
          ok: false,
          code: 'TOO_MANY_RUNS',
          message: `At most ${MAX_RUNS_PER_USER} concurrent runs per user`,
        };
      }
      runsByUser.set(owner.userId, runs);
      const { ctx, script } = prepareRun('user', faults(), owner.userId, request);
      const run: Run = new Run(
        ctx,
        script,
        () => owner.sink,
        () => {
          owner.runs.delete(run);
          runs.delete(run);
          if (runs.size === 0 && runsByUser.get(owner.userId) === runs) runsByUser.delete(owner.userId);
        },
      );
      runs.add(run);
      owner.runs.add(run);
      run.start();
      return { ok: true, run };
    },
  };
}
