import { jest } from '@jest/globals';
import { auditLines, defaultActor, findNode20 } from '../../support/run-cli.js';
import { useCliProxy } from '../../support/cli-proxy-fixture.js';

jest.setTimeout(30_000);

const t = useCliProxy();
const { cli } = t;

const state = async () => (await t.proxy.admin('GET', '/admin/state')).body;

describe('switchyard against a running proxy', () => {
  it('prints the stage, percentages, switch, overrides and flag source for status', async () => {
    const r = await cli(['status']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^stage\s+legacy$/m);
    expect(r.stdout).toMatch(/^rollout\s+0%\s+\(flag switchyard-rollout\)$/m);
    expect(r.stdout).toMatch(/^shadow\s+0%/m);
    expect(r.stdout).toMatch(/^rollback\s+off$/m);
    expect(r.stdout).toMatch(/^overrides\s+0$/m);
    expect(r.stdout).toMatch(/^flags\s+file: ready, up; last sync /m);
  });

  it("prints the API's state as JSON for status --json", async () => {
    const r = await cli(['status', '--json']);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toMatchObject(await state());
    expect(printed).toHaveProperty('summary');
    expect(printed).toHaveProperty('guard');
  });

  it('moves the rollout and the shadow percentages, and says from what to what', async () => {
    const r = await cli(['rollout', '25']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('rollout 0% -> 25% (stage legacy -> canary)\n');
    expect((await state()).rollout.percent).toBe(25);

    const s = await cli(['shadow', '10%', '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ stage: 'canary', shadow: { percent: 10 } });
    expect((await state()).shadow.percent).toBe(10);
  });

  it('refuses a percent that is not a whole number 0..100 with exit 64, changing nothing', async () => {
    for (const bad of ['150', '-1', '2.5', 'ten']) {
      const r = await cli(['rollout', '--', bad]);
      expect(r.code).toBe(64);
      expect(r.stderr).toContain('percent must be a whole number from 0 to 100');
      expect(r.stdout).toBe('');
    }
    expect((await cli(['rollout'])).code).toBe(64);
    expect((await state()).rollout.percent).toBe(0);
  });

  it("prints the admin API's own message and exits 1 when it refuses the input", async () => {
    const r = await cli(['rollback', '--reason', 'x'.repeat(501)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('admin API: reason is at most 500 characters (HTTP 400 bad_request)');
    expect((await state()).rollback.engaged).toBe(false);
  });

  it('engages the rollback switch with a reason that status then shows, and resume releases it', async () => {
    await cli(['rollout', '40']);
    const r = await cli(['rollback', '--reason', 'p95 doubled on user']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rollback switch ENGAGED at ');
    expect(r.stdout).toContain('"p95 doubled on user"');
    expect((await state()).rollback).toMatchObject({
      engaged: true,
      trigger: 'manual',
      reason: 'p95 doubled on user',
    });

    const s = await cli(['status']);
    expect(s.stdout).toMatch(/^stage\s+rolled-back$/m);
    expect(s.stdout).toMatch(/^rollback\s+ENGAGED by manual at \S+ \(\d+s ago\): "p95 doubled on user"$/m);

    const again = await cli(['rollback']);
    expect(again.stdout).toContain('already engaged');

    const resumed = await cli(['resume']);
    expect(resumed).toMatchObject({
      code: 0,
      stdout: 'rollback switch released: rollout 40%, shadow 0% (stage canary)\n',
    });
    expect((await state()).rollback.engaged).toBe(false);
  });

  it("prints a user's assignment and its reason", async () => {
    const r = await cli(['assign', 'alice']);
    expect(r).toMatchObject({
      code: 0,
      stdout: 'alice: served by legacy, not shadowed (reason: not-in-rollout)\n',
    });
    const j = await cli(['assign', 'alice', '--json']);
    expect(JSON.parse(j.stdout)).toEqual({
      userId: 'alice',
      serve: 'legacy',
      shadow: 'none',
      reason: 'not-in-rollout',
    });
  });

  it('overrides a user to an engine with a note, and clears the override', async () => {
    const r = await cli(['override', 'staff@example.com', 'user', '--note', 'staff first']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'staff@example.com overridden to user (note: staff first)\nnow staff@example.com: served by user, not shadowed (reason: override)\n',
    );
    expect((await state()).overrides).toMatchObject({
      count: 1,
      users: [{ userId: 'staff@example.com', serve: 'user', note: 'staff first' }],
    });
    expect((await cli(['status'])).stdout).toMatch(/^overrides\s+1 \(staff@example.com -> user\)$/m);

    const cleared = await cli(['override', 'staff@example.com', 'clear']);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain(
      'override for staff@example.com cleared\nnow staff@example.com: served by legacy',
    );
    expect((await state()).overrides.count).toBe(0);

    expect((await cli(['override', 'bob', 'both'])).code).toBe(64);
    expect((await cli(['override', 'bob', 'clear', '--note', 'x'])).code).toBe(64);
  });

  it('names the person in the audit log: <os user>@<host> by default, --actor when given', async () => {
    await cli(['rollout', '5']);
    await cli(['rollout', '6', '--actor', 'oncall-jane']);
    const audits = auditLines(t.proxy.logs).filter((a) => a.action === 'rollout');
    expect(audits.map((a) => a.actor)).toEqual([defaultActor(), 'oncall-jane']);
    expect(audits.every((a) => a.role === 'admin')).toBe(true);
  });

  const node20 = findNode20();
  (node20 === null ? it.skip : it)('runs on the system Node 20 when started directly', async () => {
    const r = await cli(['rollout', '15'], { node: node20 ?? '' });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect((await state()).rollout.percent).toBe(15);
    const s = await cli(['status'], { node: node20 ?? '' });
    expect(s.stdout).toMatch(/^stage\s+canary$/m);
  });
});
