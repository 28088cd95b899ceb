import { jest } from '@jest/globals';
import { useCliProxy } from '../../support/cli-proxy-fixture.js';

jest.setTimeout(30_000);

const t = useCliProxy({ config: { guard: { mode: 'dry-run' } } });
const { cli } = t;

describe('switchyard plan', () => {
  it('sets a plan from flags (defaults filled in by the server) and shows it', async () => {
    const none = await cli(['plan', 'show']);
    expect(none).toMatchObject({
      code: 0,
      stdout: 'no release plan set (switchyard plan set --steps 1,5,25,50,100)\n',
    });
    const set = await cli([
      'plan',
      'set',
      '--steps',
      '1,5,25,50,100',
      '--min-step-seconds',
      '300',
      '--approvals',
      '50',
      '--baseline-first',
      '--json',
    ]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).plan).toEqual({
      steps: [1, 5, 25, 50, 100],
      minStepSeconds: 300,
      minComparisons: 200,
      minUsers: 20,
      approvals: [50],
      baselineFirst: true,
      baselinePercent: 5,
      shadowPercent: 100,
    });
    const show = await cli(['plan', 'show']);
    expect(show.stdout).toMatch(/^state\s+idle$/m);
    expect(show.stdout).toMatch(/^steps\s+1% -> 5% -> 25% -> 50% -> 100%$/m);
    expect(show.stdout).toMatch(
      /^needs\s+300 s, 200 comparisons, 20 users per step; approval at 50%; baseline 5% first$/m,
    );
  });

  it('starts, pauses, resumes and aborts; a call that does not fit the state fails with the reason', async () => {
    expect((await cli(['plan', 'set', '--steps', '10,100'])).code).toBe(0);
    const start = await cli(['plan', 'start']);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/^step\s+1\/2 \(10%\)$/m);
    expect((await t.proxy.admin('GET', '/admin/state')).body.rollout.percent).toBe(10);
    const approve = await cli(['plan', 'approve']);
    expect(approve.code).toBe(1);
    expect(approve.stderr).toContain('nothing to approve: the plan is');
    expect((await cli(['plan', 'pause'])).stdout).toMatch(/^state\s+paused$/m);
    expect((await cli(['plan', 'resume'])).code).toBe(0);
    const abort = await cli(['plan', 'abort', '--reason', 'done for today']);
    expect(abort.stdout).toMatch(/^state\s+aborted$/m);
    expect((await t.proxy.admin('GET', '/admin/state')).body.rollout.percent).toBe(10);
  });

  it('refuses bad input before or at the server, without changing anything', async () => {
    const usage = await cli(['plan', 'set', '--steps', '1,x']);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('--steps: percent must be a whole number');
    expect((await cli(['plan', 'set'])).code).toBe(64);
    expect((await cli(['plan', 'launch'])).code).toBe(64);
    const lower = await cli(['plan', 'set', '--steps', '25,5']);
    expect(lower.code).toBe(1);
    expect(lower.stderr).toContain('5% after 25% would lower or repeat the percentage');
    expect((await t.proxy.admin('GET', '/admin/plan')).body.plan).toBeNull();
  });
});
