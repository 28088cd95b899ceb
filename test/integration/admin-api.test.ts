import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useEchoProxy } from '../support/echo-proxy-fixture.js';
import { ADMIN_TOKEN, READ_TOKEN, startProxy } from '../support/proxy-harness.js';

const t = useEchoProxy();

describe('admin API', () => {
  it('reports the state in the documented shape', async () => {
    const { status, body } = await t.proxy.admin('GET', '/admin/state');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      stage: 'legacy',
      rollout: { percent: 0 },
      shadow: { percent: 0 },
      rollback: { engaged: false, trigger: null, reason: null, at: null },
      overrides: { count: 0 },
      flagSource: { kind: 'file', ready: true },
    });
  });

  it('refuses calls without the admin token, and lets the read token read but not change', async () => {
    expect((await t.proxy.admin('GET', '/admin/state', undefined, 'wrong-token')).status).toBe(401);
    expect((await fetch(`${t.proxy.opsUrl}/admin/state`)).status).toBe(401);
    expect((await t.proxy.admin('GET', '/admin/state', undefined, READ_TOKEN)).status).toBe(200);
    const denied = await t.proxy.admin('PUT', '/admin/rollout', { percent: 10 }, READ_TOKEN);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('read_only');
    expect((await t.proxy.admin('GET', '/admin/state')).body.rollout.percent).toBe(0);
  });

  it.each([
    [{ percent: 101 }],
    [{ percent: -1 }],
    [{ percent: '10' }],
    [{ percent: 10.5 }],
    [{}],
    [{ percent: 10, extra: true }],
    ['{not json'],
    [{ percent: 10, pad: 'x'.repeat(20_000) }],
  ])('answers 400 with a reason and changes nothing for %j', async (body) => {
    const res = await t.proxy.admin('PUT', '/admin/rollout', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect((await t.proxy.admin('GET', '/admin/state')).body.rollout.percent).toBe(0);
  });

  it('makes rollback and resume idempotent: a repeat changes nothing, not even the time', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 40 });
    const first = await t.proxy.admin('POST', '/admin/rollback', { reason: 'first' });
    const second = await t.proxy.admin('POST', '/admin/rollback', { reason: 'second' });
    expect(second.status).toBe(200);
    expect(second.body.rollback).toEqual(first.body.rollback);
    expect(second.body.stage).toBe('rolled-back');
    expect(second.body.rollout.percent).toBe(40);
    expect((await t.proxy.admin('POST', '/admin/resume', {})).body.rollback.engaged).toBe(false);
    expect((await t.proxy.admin('POST', '/admin/resume', {})).status).toBe(200);
  });

  it('overrideStrategies and unpins a user with an override, reason override', async () => {
    await t.proxy.admin('PUT', '/admin/overrides/staff-1', { serve: 'user', note: 'internal staff' });
    expect((await t.proxy.admin('GET', '/admin/assignments/staff-1')).body).toEqual({
      userId: 'staff-1',
      serve: 'user',
      shadow: 'none',
      reason: 'override',
    });
    expect((await t.proxy.admin('GET', '/admin/state')).body.overrides.count).toBe(1);
    await t.proxy.admin('DELETE', '/admin/overrides/staff-1');
    expect((await t.proxy.admin('GET', '/admin/assignments/staff-1')).body.reason).toBe('not-in-rollout');
    expect((await t.proxy.admin('PUT', '/admin/overrides/x', { serve: 'nobody' })).status).toBe(400);
  });

  it.each([
    ['a comma', 'alice,bob', 'comma'],
    ['surrounding spaces', ' carol ', 'space'],
    ['a trailing space', 'carol ', 'space'],
    ['a control character', 'dave\u0001', 'control'],
    ['a newline', 'eve\n', 'control'],
    ['257 characters', 'x'.repeat(257), '256'],
  ])(
    'refuses an override for an id with %s, which the flag file could not carry, with 400',
    async (_, id, why) => {
      const res = await t.proxy.admin('PUT', `/admin/overrides/${encodeURIComponent(id)}`, { serve: 'user' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: { code: 'bad_request', message: expect.stringContaining(why) } });
      expect((await t.proxy.admin('GET', '/admin/state')).body.overrides.count).toBe(0);
    },
  );

  it('keeps overrides for odd but valid ids exactly as made across a restart', async () => {
    const ids = ['zoë.müller@example.com', '用户-42', 'first.last', 'a b', 'x@y', "o'brien+tag"];
    for (const [i, id] of ids.entries()) {
      const serve = i % 2 === 0 ? 'user' : 'legacy';
      const res = await t.proxy.admin('PUT', `/admin/overrides/${encodeURIComponent(id)}`, { serve });
      expect(res.status).toBe(200);
    }
    const dir = t.proxy.dir;
    await t.proxy.app.stop(100);
    const again = await startProxy({ legacyUrl: t.legacy.url, userUrl: t.user.url, dir });
    try {
      expect((await again.admin('GET', '/admin/state')).body.overrides.count).toBe(ids.length);
      for (const [i, id] of ids.entries()) {
        const res = await again.admin('GET', `/admin/assignments/${encodeURIComponent(id)}`);
        expect(res.body).toMatchObject({
          userId: id,
          serve: i % 2 === 0 ? 'user' : 'legacy',
          reason: 'override',
        });
      }
    } finally {
      await again.stop();
    }
  });

  it('writes each change as an audit line with who, what, before and after, and no token', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 5 });
    const line = t.proxy.logs.map((l) => JSON.parse(l)).find((l) => l.audit?.action === 'rollout');
    expect(line.audit).toMatchObject({
      role: 'admin',
      actor: 'jest',
      before: { rollout: 0 },
      after: { rollout: 5 },
    });
    expect(line.audit.address).toMatch(/127\.0\.0\.1/);
    expect(t.proxy.logs.join('')).not.toContain(ADMIN_TOKEN);
  });

  it('persists changes to the flag file in Unleash client-features format, and they survive a restart', async () => {
    await t.proxy.admin('PUT', '/admin/rollout', { percent: 20 });
    await t.proxy.admin('PUT', '/admin/shadow', { percent: 7 });
    await t.proxy.admin('POST', '/admin/rollback', { reason: 'bad deploy' });
    const doc = JSON.parse(await readFile(join(t.proxy.dir, 'flags.json'), 'utf8'));
    const rollout = doc.features.find((f: { name: string }) => f.name === 'switchyard-rollout');
    expect(rollout.enabled).toBe(false);
    expect(rollout.strategies[0]).toMatchObject({
      name: 'flexibleRollout',
      parameters: { rollout: '20', stickiness: 'userId', groupId: 'switchyard-rollout' },
    });
    const before = (await t.proxy.admin('GET', '/admin/state')).body;
    const dir = t.proxy.dir;
    await t.proxy.app.stop(100);
    const again = await startProxy({ legacyUrl: t.legacy.url, userUrl: t.user.url, dir });
    try {
      const after = (await again.admin('GET', '/admin/state')).body;
      expect(after.rollback).toEqual(before.rollback);
      expect(after.rollout.percent).toBe(20);
      expect(after.shadow.percent).toBe(7);
    } finally {
      await again.stop();
    }
  });

  it('answers health, readiness and metrics on the ops listener', async () => {
    expect((await fetch(`${t.proxy.opsUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.proxy.opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    const metrics = await (await fetch(`${t.proxy.opsUrl}/metrics`)).text();
    expect(metrics).toContain('switchyard_rollout_percent 0');
    expect(metrics).toContain('switchyard_rollback_engaged 0');
    expect(metrics).toMatch(/switchyard_routing_decisions_total\{engine="user",reason="rollout"\} 0/);
    expect(metrics).toMatch(
      /switchyard_requests_total\{engine="user",kind="http",route="agent_run",status_class="5xx"\} 0/,
    );
    expect(metrics).toContain('switchyard_process_cpu_seconds_total');
  });
});
