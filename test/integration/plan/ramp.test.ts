import { until } from '../../support/until.js';
import { PLAN, PlanRig } from './rig.js';

let rig: PlanRig;

beforeEach(async () => {
  rig = new PlanRig();
  await rig.start();
});
afterEach(() => rig.stop());

const metrics = async () => (await fetch(`${rig.proxy.opsUrl}/metrics`)).text();

async function startPlan(plan: Record<string, unknown> = PLAN) {
  expect((await rig.proxy.admin('PUT', '/admin/plan', plan)).status).toBe(200);
  const started = await rig.proxy.admin('POST', '/admin/plan/start', {});
  expect(started.status).toBe(200);
  return started.body;
}

/**
 * Traffic at the current step, then the step time: the plan should move on. (The manual clock
 * fires the driver's 1 s timer for every second it skips; the ticks after the advance find the
 * new step's minimum time not yet served, so the plan reads `waiting-evidence` there.)
 */
async function ramp() {
  await rig.traffic();
  return rig.advance(PLAN.minStepSeconds);
}

describe('release plan through the proxy', () => {
  it("ramps a healthy user engine from 10 to 100% step by step, recording each step's evidence", async () => {
    const started = await startPlan();
    expect(started).toMatchObject({ state: 'running', step: 0, percent: 10, waiting: null });
    expect(rig.proxy.app.switchboard.flags()).toMatchObject({
      rollout: { percent: 10 },
      shadow: { percent: 100 },
    });
    expect(await metrics()).toContain('switchyard_plan_step 1');

    expect(await ramp()).toMatchObject({
      state: 'waiting-evidence',
      step: 1,
      percent: 50,
      waiting: 'min step time 0/60 s',
    });
    expect(rig.proxy.app.switchboard.flags()?.rollout.percent).toBe(50);
    expect(await ramp()).toMatchObject({ step: 2, percent: 100 });
    const done = await ramp();
    expect(done).toMatchObject({ state: 'complete', step: 2, percent: 100, waiting: null });
    expect(Object.keys(done).sort()).toEqual(
      ['history', 'percent', 'plan', 'reason', 'since', 'state', 'step', 'waiting'].sort(),
    );
    expect(done.history.map((h: { percent: number }) => h.percent)).toEqual([10, 50, 100]);
    for (const h of done.history) {
      expect(h.leftAt).not.toBeNull();
      expect(h.evidence.comparisons).toBeGreaterThanOrEqual(PLAN.minComparisons);
      expect(h.evidence.users).toBeGreaterThanOrEqual(PLAN.minUsers);
      expect(h.evidence.gates.map((g: { name: string }) => g.name)).toEqual([
        'error_rate',
        'user_error_rate',
        'latency',
        'mismatch_rate',
        'isolation',
      ]);
      expect(h.evidence.gates.find((g: { name: string }) => g.name === 'mismatch_rate').verdict).toBe('ok');
    }
    const m = await metrics();
    expect(m).toContain('switchyard_plan_step 3');
    expect(m).toContain('switchyard_plan_state{state="complete"} 1');
    expect(m).toContain('switchyard_plan_state{state="running"} 0');
    // The plan's own flag changes are in the audit trail, actor "plan".
    const planRollouts = (items: any[]) => items.filter((e) => e.actor === 'plan' && e.action === 'rollout');
    const audit = await rig.auditWhen((items) => planRollouts(items).length >= 3);
    const rollouts = planRollouts(audit).map((e) => e.after.rollout);
    expect(rollouts.sort((a: number, b: number) => a - b)).toEqual([10, 50, 100]);
  }, 120_000);

  it('rolls a failing user engine back at the step where it fails, and the plan says why', async () => {
    await startPlan();
    expect(await ramp()).toMatchObject({ step: 1, percent: 50 });
    rig.user.answer = () => ({ status: 500, body: { detail: 'boom' } });
    const started = Date.now();
    // Failing traffic; no evaluate() call: the guard's own 1 s timer trips, the plan follows.
    await rig.traffic().catch(() => undefined);
    await until(() => rig.proxy.app.plan.view().state === 'rolled-back', 20_000, 'the plan to roll back');
    const view = await rig.plan();
    expect(view).toMatchObject({ state: 'rolled-back', step: 1, percent: 50 });
    expect(view.reason).toMatch(/^guard: (error_rate|mismatch_rate|user_error_rate): /);
    expect(Date.now() - started).toBeLessThan(20_000);
    const flags = rig.proxy.app.switchboard.flags()!;
    expect(flags.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    // It stays where it ended, whatever the clock and the evidence do next.
    expect(await rig.advance(3600)).toMatchObject({ state: 'rolled-back', step: 1 });
    expect((await rig.proxy.admin('POST', '/admin/plan/resume', {})).status).toBe(409);
  }, 120_000);

  it('rolls back a user engine that diverges from legacy at the first step, on the mismatch gate', async () => {
    rig.user.answer = (req) => ({ body: { id: req.url.split('/').pop(), title: 'Kosten' } });
    await startPlan();
    await rig.traffic().catch(() => undefined);
    await until(() => rig.proxy.app.plan.view().state === 'rolled-back', 20_000, 'the plan to roll back');
    const view = await rig.plan();
    expect(view).toMatchObject({ state: 'rolled-back', step: 0, percent: 10 });
    expect(view.reason).toMatch(/^guard: mismatch_rate: /);
  }, 120_000);

  it('does not move on a replica that does not drive, and moves once it does', async () => {
    rig.driving = false;
    expect(await startPlan()).toMatchObject({ state: 'running', step: 0, percent: 10 });
    await rig.traffic();
    expect(await rig.advance(3600)).toMatchObject({ state: 'running', step: 0 });
    rig.driving = true;
    expect(await rig.advance(1)).toMatchObject({ step: 1, percent: 50 });
  }, 120_000);

  it('with too little traffic waits at the step, forever, and says what is missing', async () => {
    await startPlan();
    const users = rig.usersOn('user', 2);
    for (const u of [...users, users[0]!]) await rig.request(u);
    await until(() => rig.proxy.app.guard.evidence().comparisons >= 3, 10_000, 'comparisons');
    for (let hour = 0; hour < 24; hour++) await rig.advance(3600);
    const view = await rig.plan();
    expect(view).toMatchObject({ state: 'waiting-evidence', step: 0, percent: 10 });
    expect(view.waiting).toBe(
      'comparisons 3/30; users 2/5; gates insufficient: error_rate, latency, mismatch_rate',
    );
    expect(rig.proxy.app.switchboard.flags()?.rollout.percent).toBe(10);
    expect(await metrics()).toContain('switchyard_plan_state{state="waiting-evidence"} 1');
  }, 120_000);

  it('waits at an approval step until approved, and records who approved', async () => {
    await startPlan({ ...PLAN, approvals: [50] });
    expect((await rig.proxy.admin('POST', '/admin/plan/approve', {})).body.error.message).toBe(
      'nothing to approve: the plan is running',
    );
    expect(await ramp()).toMatchObject({ step: 1, percent: 50 });
    expect(await ramp()).toMatchObject({
      state: 'waiting-approval',
      step: 1,
      waiting: 'approval to leave 50% (POST /admin/plan/approve)',
    });
    expect(await rig.advance(3600)).toMatchObject({ state: 'waiting-approval', step: 1 });
    expect(rig.proxy.app.switchboard.flags()?.rollout.percent).toBe(50);
    const approved = await rig.proxy.admin('POST', '/admin/plan/approve', {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'running', step: 2, percent: 100 });
    const audit = await rig.auditWhen((items) => items.some((e) => e.action === 'plan-approve'));
    const entry = audit.find((e: { action: string }) => e.action === 'plan-approve');
    expect(entry).toMatchObject({ actor: 'jest', role: 'admin', after: { state: 'running', percent: 100 } });
  }, 120_000);

  it('resumes at the same step after the driving replica restarts, and ramps on', async () => {
    await startPlan();
    const at50 = await ramp();
    expect(at50).toMatchObject({ step: 1, percent: 50 });
    await rig.traffic();
    await rig.advance(10);
    await rig.proxy.stop();
    await rig.restart();
    const resumed = await rig.plan();
    expect(resumed).toMatchObject({ step: 1, percent: 50, since: at50.since });
    expect(resumed.history).toHaveLength(2);
    expect(rig.proxy.app.switchboard.flags()?.rollout.percent).toBe(50);
    await rig.traffic();
    expect(await rig.advance(PLAN.minStepSeconds)).toMatchObject({ step: 2, percent: 100 });
  }, 120_000);

  it('pauses, resumes and aborts; abort leaves the percentage where it is', async () => {
    await startPlan();
    expect((await rig.proxy.admin('POST', '/admin/plan/pause', {})).body).toMatchObject({ state: 'paused' });
    await rig.traffic();
    expect(await rig.advance(3600)).toMatchObject({ state: 'paused', step: 0 });
    expect((await rig.proxy.admin('POST', '/admin/plan/resume', {})).body).toMatchObject({
      step: 1,
      percent: 50,
    });
    // While it moves, the plan holds the rollout at its step: a lower percentage is set again.
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 20 });
    await rig.advance(1);
    expect(rig.proxy.app.switchboard.flags()?.rollout.percent).toBe(50);
    const aborted = await rig.proxy.admin('POST', '/admin/plan/abort', { reason: 'enough for today' });
    expect(aborted.body).toMatchObject({ state: 'aborted', step: 1, percent: 50 });
    expect(rig.proxy.app.switchboard.flags()).toMatchObject({
      rollout: { percent: 50 },
      rollback: { engaged: false },
    });
    expect(await rig.advance(3600)).toMatchObject({ state: 'aborted' });
    const again = await rig.proxy.admin('POST', '/admin/plan/abort', {});
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'plan_conflict' } } });
  }, 120_000);

  it('validates the plan (400 naming every problem), takes the read token for GET only, serves the gate series', async () => {
    const bad = await rig.proxy.admin('PUT', '/admin/plan', { steps: [5, 1], minUsers: 0, colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('1% after 5% would lower or repeat the percentage');
    expect(bad.body.error.message).toContain('minUsers must be at least 1');
    expect(bad.body.error.message).toContain('unknown field(s): colour');
    const idle = await rig.proxy.admin(
      'GET',
      '/admin/plan',
      undefined,
      'read-token-for-tests-0123456789abcdefgh',
    );
    expect(idle).toMatchObject({
      status: 200,
      body: { state: 'idle', step: null, percent: null, plan: null, history: [] },
    });
    const denied = await rig.proxy.admin(
      'PUT',
      '/admin/plan',
      PLAN,
      'read-token-for-tests-0123456789abcdefgh',
    );
    expect(denied.status).toBe(403);
    expect((await rig.proxy.admin('POST', '/admin/plan/start', {})).status).toBe(409);
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 30 });
    await rig.proxy.admin('PUT', '/admin/plan', PLAN);
    const refused = await rig.proxy.admin('POST', '/admin/plan/start', {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/above the plan's first step 10%/);
    await rig.proxy.admin('PUT', '/admin/rollout', { percent: 0 });
    await startPlan();
    await rig.traffic();
    await rig.advance(1);
    await rig.advance(6);
    const series = (await rig.proxy.admin('GET', '/admin/plan/history')).body;
    expect(series).toMatchObject({ step: 0, percent: 10 });
    const mismatch = series.gates.find((g: { name: string }) => g.name === 'mismatch_rate');
    expect(mismatch.points.length).toBeGreaterThanOrEqual(2);
    expect(mismatch.points[0]).toEqual({
      at: expect.any(Number),
      value: 0,
      limit: expect.any(Number),
      verdict: 'ok',
    });
  }, 120_000);
});

describe('release plan with baselineFirst', () => {
  it("turns the noise baseline on, waits for legacy's floor, then shadows and ramps", async () => {
    const plan = { ...PLAN, baselineFirst: true, baselinePercent: 50 };
    const started = await startPlan(plan);
    expect(started).toMatchObject({ state: 'running', step: null, percent: null });
    expect(rig.proxy.app.switchboard.flags()).toMatchObject({
      rollout: { percent: 0 },
      shadow: { percent: 0 },
      baseline: { percent: 50 },
    });
    expect(await rig.advance(3600)).toMatchObject({
      state: 'waiting-evidence',
      step: null,
      waiting: 'baseline floor legacy 0/30',
    });
    const users = rig.usersOn('legacy', 40, 'floor-user');
    for (let i = 0; rig.proxy.app.guard.evidence().floors.legacy < PLAN.minComparisons; i++) {
      if (i > 2000) throw new Error('no baseline comparisons');
      await rig.request(users[i % users.length]!);
    }
    expect(rig.proxy.app.guard.evidence().comparisons).toBe(0);
    expect(await rig.advance(1)).toMatchObject({ step: 0, percent: 10 });
    expect(rig.proxy.app.switchboard.flags()).toMatchObject({
      rollout: { percent: 10 },
      shadow: { percent: 100 },
      baseline: { percent: 50 },
    });
  }, 120_000);
});
