import { control } from '../../../src/plan/control.js';
import { begin } from '../../../src/plan/step.js';
import { IDLE } from '../../../src/plan/types.js';
import { T0, plan } from './fixtures.js';

const ok = { rollout: 0, rollbackEngaged: false, guardOff: false };
const p = plan({ approvals: [5] });

function conflict(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect((err as { status?: number }).status).toBe(409);
    return (err as Error).message;
  }
  throw new Error('no conflict');
}

describe('release plan control calls', () => {
  it('starts an idle plan; refuses a second start, a missing plan, an engaged switch, the guard off', () => {
    expect(control('start', p, IDLE, T0, ok).state.status).toBe('running');
    const running = begin(p, T0).state;
    expect(conflict(() => control('start', p, running, T0, ok))).toBe('the plan is already running');
    expect(conflict(() => control('start', null, IDLE, T0, ok))).toMatch(/no plan is set/);
    expect(conflict(() => control('start', p, IDLE, T0, { ...ok, rollbackEngaged: true }))).toMatch(
      /rollback switch/,
    );
    expect(conflict(() => control('start', p, IDLE, T0, { ...ok, guardOff: true }))).toMatch(
      /GUARD_MODE is off/,
    );
  });

  it('refuses to start below the current rollout (a ramp only adds users)', () => {
    expect(conflict(() => control('start', p, IDLE, T0, { ...ok, rollout: 30 }))).toBe(
      "the rollout is at 30%, above the plan's first step 1%: a plan only adds users",
    );
  });

  it('approves only a plan waiting for approval', () => {
    const running = begin(p, T0).state;
    expect(conflict(() => control('approve', p, running, T0, ok))).toBe(
      'nothing to approve: the plan is running',
    );
    const waiting = { ...running, status: 'waiting-approval' as const };
    expect(control('approve', p, waiting, T0, ok).state.approved).toBe(true);
  });

  it('pauses and resumes to the same state; aborts without touching the flags', () => {
    const waiting = { ...begin(p, T0).state, status: 'waiting-evidence' as const };
    const paused = control('pause', p, waiting, T0, ok).state;
    expect(paused).toMatchObject({ status: 'paused', pausedFrom: 'waiting-evidence' });
    expect(conflict(() => control('pause', p, paused, T0, ok))).toBe('cannot pause: the plan is paused');
    expect(control('resume', p, paused, T0, ok).state.status).toBe('waiting-evidence');
    expect(conflict(() => control('resume', p, waiting, T0, ok))).toMatch(/not paused/);
    const aborted = control('abort', p, paused, T0 + 5, ok);
    expect(aborted.state).toMatchObject({ status: 'aborted', step: 0, since: T0 + 5 });
    expect(aborted.actions).toEqual([]);
    expect(conflict(() => control('abort', p, aborted.state, T0, ok))).toBe(
      'cannot abort: the plan is aborted',
    );
  });
});
