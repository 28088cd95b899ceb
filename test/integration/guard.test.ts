import WebSocket from 'ws';
import { startEngine, createTicketStore, type RunningEngine } from '../../engines/index.js';
import { SECRET, TestClient, token } from './engines/helpers.js';
import { ManualClock } from '../support/manual-clock.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';

let legacy: RunningEngine;
let user: RunningEngine;
let proxy: ProxyUnderTest;
const sockets: WebSocket[] = [];

// The tests drive the guard by calling `evaluate()` (what its 1 s timer does) and await
// conditions: its clock is a manual one that never moves, so its timer never runs on its own (on
// a busy machine it would judge half-sent traffic) and nothing a test sends leaves the window.
const guardConfig = (mode: string) => ({
  jwt: { secret: SECRET },
  guard: { mode, windowSeconds: 300, minRequests: 20, minUsers: 5, minComparisons: 10 },
});

async function setup(mode: string, userKind: 'user' | 'legacy' = 'user', userFaults = {}, percent = 50) {
  const tickets = createTicketStore();
  legacy = await startEngine({ kind: 'legacy', jwtSecret: SECRET, tickets });
  user = await startEngine({ kind: userKind, jwtSecret: SECRET, tickets, faults: userFaults });
  proxy = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    config: guardConfig(mode),
    guardClock: new ManualClock(Date.now()),
  });
  await proxy.admin('PUT', '/admin/rollout', { percent });
}

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

type Seen = { legacy: number; user: number };

/** Sends requests as `users` distinct users until each engine in `need` has seen its count. */
async function traffic(users: string[], need: Partial<Seen>): Promise<Seen> {
  const tokens = await Promise.all(users.map((u) => token(u)));
  const seen: Seen = { legacy: 0, user: 0 };
  const enough = () => (need.legacy ?? 0) <= seen.legacy && (need.user ?? 0) <= seen.user;
  for (let i = 0; !enough(); i++) {
    const res = await fetch(`${proxy.url}/api/threads/t-1`, {
      headers: { authorization: `Bearer ${tokens[i % tokens.length]}` },
    });
    await res.arrayBuffer();
    seen[res.headers.get('x-switchyard-engine') as keyof Seen] += 1;
    if (i > 20 * ((need.legacy ?? 0) + (need.user ?? 0)))
      throw new Error('traffic did not reach the engines');
  }
  return seen;
}

const many = Array.from({ length: 40 }, (_, i) => `guard-user-${i}`);
const state = () => proxy.admin('GET', '/admin/state').then((r) => r.body);
const gate = async (name: string) =>
  (await proxy.admin('GET', '/admin/guard')).body.gates.find((g: { name: string }) => g.name === name);

/** Runs the guard once, as its timer would, then waits for the rollback to show in the state. */
async function evaluateUntilRolledBack(timeoutMs = 10_000) {
  proxy.app.guard.evaluate();
  const deadline = Date.now() + timeoutMs;
  let s = await state();
  while (!s.rollback.engaged) {
    if (Date.now() > deadline) throw new Error('the guard did not roll back in time');
    await new Promise((r) => setTimeout(r, 20));
    s = await state();
  }
  return s;
}

describe('automatic rollback guard', () => {
  it('rolls back when the user engine fails for many users, with trigger guard and a reason naming the gate', async () => {
    await setup('enforce', 'user', { httpFailRate: 1 });
    await traffic(many, { legacy: 40, user: 40 });
    const s = await evaluateUntilRolledBack();
    expect(s.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(s.rollback.reason).toMatch(/^error_rate: user 100(\.0)?% vs legacy 0(\.0)?%/);
    const guard = (await proxy.admin('GET', '/admin/guard')).body;
    expect(guard.lastTrip.gate).toBe('error_rate');
    // One instance with the embedded store judges itself: nothing pooled, the reason unprefixed.
    expect(guard).toMatchObject({ scope: 'local', judge: true, instances: 1, fallback: null });
    const next = await fetch(`${proxy.url}/api/threads/t-1`, {
      headers: { authorization: `Bearer ${await token(many[0]!)}` },
    });
    expect(next.headers.get('x-switchyard-engine')).toBe('legacy');
    const metrics = await (await fetch(`${proxy.opsUrl}/metrics`)).text();
    expect(metrics).toContain('switchyard_rollbacks_total{trigger="guard"} 1');
    expect(metrics).toMatch(/^switchyard_guard_judge 1$/m);
    expect(metrics).toMatch(/^switchyard_guard_scope\{scope="local"\} 1$/m);
  }, 30_000);

  it('does not roll back when the same failures come from one user alone', async () => {
    await setup('enforce', 'user', { httpFailRate: 1 }, 0);
    const failing = many[0]!;
    // One user in the rollout fails; many healthy legacy users make the sample sizes.
    await proxy.admin('PUT', `/admin/overrides/${failing}`, { serve: 'user' });
    await traffic([failing], { user: 40 });
    await traffic(many.slice(1), { legacy: 40 });
    proxy.app.guard.evaluate();
    expect((await state()).rollback.engaged).toBe(false);
    expect((await gate('error_rate')).verdict).not.toBe('breach');
  }, 30_000);

  it('only reports in dry-run', async () => {
    await setup('dry-run', 'user', { httpFailRate: 1 });
    await traffic(many, { legacy: 40, user: 40 });
    proxy.app.guard.evaluate();
    expect((await state()).rollback.engaged).toBe(false);
    const guard = (await proxy.admin('GET', '/admin/guard')).body;
    expect(guard.mode).toBe('dry-run');
    expect(guard.lastTrip).toMatchObject({ gate: 'error_rate', dryRun: true });
  }, 30_000);

  it('rolls back at once when the user engine leaks another user id, and after a resume healthy traffic does not re-trip', async () => {
    // A leaking engine standing in as the user engine.
    await setup('enforce', 'legacy', { leak: true, envelope: 'emitter' }, 100);
    const clients = await Promise.all(
      ['leak-a', 'leak-b', 'leak-c'].map(async (u) => {
        const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/ws`, {
          headers: { authorization: `Bearer ${await token(u)}` },
        });
        ws.on('error', () => undefined);
        sockets.push(ws);
        const c = new TestClient(ws);
        await c.waitFor(() => true);
        return c;
      }),
    );
    clients.forEach((c, i) =>
      c.send({ type: 'user_message', payload: { text: 'go', thread_id: `t-leak-${i}` } }),
    );
    // No evaluate() here: a user_id leak is acted on when it is recorded, not at the next tick.
    const deadline = Date.now() + 10_000;
    let s = await state();
    while (!s.rollback.engaged && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      s = await state();
    }
    expect(s.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(s.rollback.reason).toMatch(/^isolation/);
    user.faults.leak = false;
    await Promise.all(sockets.splice(0).map((ws) => new Promise((r) => (ws.once('close', r), ws.close()))));
    await proxy.admin('POST', '/admin/resume', {});
    await proxy.admin('PUT', '/admin/rollout', { percent: 50 });
    await traffic(many, { legacy: 25, user: 25 });
    proxy.app.guard.evaluate();
    expect((await state()).rollback.engaged).toBe(false);
    expect((await gate('isolation')).verdict).toBe('ok');
  }, 30_000);
});

describe('automatic rollback guard at 100% rollout (nothing on legacy to compare with)', () => {
  it('rolls back when the user engine is dead', async () => {
    await setup('enforce', 'user', {}, 100);
    await user.close();
    await traffic(many, { user: 40 });
    expect((await gate('error_rate')).verdict).toBe('insufficient');
    const s = await evaluateUntilRolledBack();
    expect(s.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(s.rollback.reason).toMatch(/^user_error_rate: user 100\.0% of \d+ requests failed \(> 5%\)/);
    const next = await fetch(`${proxy.url}/api/threads/t-1`, {
      headers: { authorization: `Bearer ${await token(many[1]!)}` },
    });
    expect(next.status).toBeLessThan(500);
    expect(next.headers.get('x-switchyard-engine')).toBe('legacy');
  }, 30_000);

  it('does not roll back a healthy user engine', async () => {
    await setup('enforce', 'user', {}, 100);
    await traffic(many, { user: 60 });
    proxy.app.guard.evaluate();
    expect((await state()).rollback.engaged).toBe(false);
    expect(await gate('user_error_rate')).toMatchObject({ verdict: 'ok', value: 0 });
  }, 30_000);

  it('does not roll back when one user alone fails', async () => {
    await setup('enforce', 'user', {}, 100);
    await traffic(many, { user: 40 });
    user.faults.httpFailRate = 1;
    await traffic([many[0]!], { user: 40 });
    proxy.app.guard.evaluate();
    expect((await state()).rollback.engaged).toBe(false);
    expect(await gate('user_error_rate')).toMatchObject({ verdict: 'insufficient', users: 1 });
  }, 30_000);
});
