import WebSocket from 'ws';
import { startEngine, createTicketStore, type RunningEngine } from '../../engines/index.js';
import { SECRET, TestClient, token } from './engines/helpers.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';

let legacy: RunningEngine;
let user: RunningEngine;
let proxy: ProxyUnderTest;
const sockets: WebSocket[] = [];

const guardConfig = (mode: string) => ({
  jwt: { secret: SECRET },
  guard: { mode, windowSeconds: 5, minRequests: 20, minUsers: 5, minComparisons: 10 },
});

async function setup(mode: string, userKind: 'user' | 'legacy' = 'user', userFaults = {}) {
  const tickets = createTicketStore();
  legacy = await startEngine({ kind: 'legacy', jwtSecret: SECRET, tickets });
  user = await startEngine({ kind: userKind, jwtSecret: SECRET, tickets, faults: userFaults });
  proxy = await startProxy({ legacyUrl: legacy.url, userUrl: user.url, config: guardConfig(mode) });
  await proxy.admin('PUT', '/admin/rollout', { percent: 50 });
}

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await proxy.stop();
  await Promise.all([legacy.close(), user.close()]);
});

/** Sends requests as `users` distinct users until each engine has seen at least `perEngine`. */
async function traffic(users: string[], perEngine: number): Promise<void> {
  const tokens = await Promise.all(users.map((u) => token(u)));
  let i = 0;
  let seen = { legacy: 0, user: 0 };
  while (seen.legacy < perEngine || seen.user < perEngine) {
    const res = await fetch(`${proxy.url}/api/threads/t-1`, {
      headers: { authorization: `Bearer ${tokens[i++ % tokens.length]}` },
    });
    await res.arrayBuffer();
    const engine = res.headers.get('x-switchyard-engine') as 'legacy' | 'user';
    seen = { ...seen, [engine]: seen[engine] + 1 };
    if (i > perEngine * 20) throw new Error('traffic did not reach both engines');
  }
}

const many = Array.from({ length: 40 }, (_, i) => `guard-user-${i}`);
const state = () => proxy.admin('GET', '/admin/state').then((r) => r.body);

describe('automatic rollback guard', () => {
  it('rolls back when the user engine fails for many users, with trigger guard and a reason naming the gate', async () => {
    await setup('enforce', 'user', { httpFailRate: 1 });
    await traffic(many, 40);
    let s = await state();
    for (let i = 0; i < 30 && !s.rollback.engaged; i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = await state();
    }
    expect(s.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(s.rollback.reason).toMatch(/^error_rate: user 100(\.0)?% vs legacy 0(\.0)?%/);
    const guard = (await proxy.admin('GET', '/admin/guard')).body;
    expect(guard.lastTrip.gate).toBe('error_rate');
    const next = await fetch(`${proxy.url}/api/threads/t-1`, {
      headers: { authorization: `Bearer ${await token(many[0]!)}` },
    });
    expect(next.headers.get('x-switchyard-engine')).toBe('legacy');
    const metrics = await (await fetch(`${proxy.opsUrl}/metrics`)).text();
    expect(metrics).toContain('switchyard_rollbacks_total{trigger="guard"} 1');
  }, 20_000);

  it('does not roll back when the same failures come from one user alone', async () => {
    await setup('enforce', 'user', { httpFailRate: 1 });
    const failing = many.find(() => true)!;
    // One user in the rollout fails; many healthy legacy users make the sample sizes.
    await proxy.admin('PUT', '/admin/rollout', { percent: 0 });
    await proxy.admin('PUT', `/admin/overrides/${failing}`, { serve: 'user' });
    const tokenOne = await token(failing);
    for (let i = 0; i < 40; i++)
      await (
        await fetch(`${proxy.url}/api/threads/t`, { headers: { authorization: `Bearer ${tokenOne}` } })
      ).arrayBuffer();
    await traffic(many.slice(1), 40).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await state()).rollback.engaged).toBe(false);
    const gate = (await proxy.admin('GET', '/admin/guard')).body.gates.find(
      (g: { name: string }) => g.name === 'error_rate',
    );
    expect(gate.verdict).not.toBe('breach');
  }, 20_000);

  it('only reports in dry-run', async () => {
    await setup('dry-run', 'user', { httpFailRate: 1 });
    await traffic(many, 40);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await state()).rollback.engaged).toBe(false);
    const guard = (await proxy.admin('GET', '/admin/guard')).body;
    expect(guard.mode).toBe('dry-run');
    expect(guard.lastTrip).toMatchObject({ gate: 'error_rate', dryRun: true });
  }, 20_000);

  it('rolls back at once when the user engine leaks another user id, and after a resume healthy traffic does not re-trip', async () => {
    // A leaking engine standing in as the user engine.
    await setup('enforce', 'legacy', { leak: true, envelope: 'emitter' });
    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
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
    const deadline = Date.now() + 3000;
    let s = await state();
    while (!s.rollback.engaged && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      s = await state();
    }
    expect(s.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(s.rollback.reason).toMatch(/^isolation/);
    for (const ws of sockets.splice(0)) ws.close();
    user.faults.leak = false;
    await new Promise((r) => setTimeout(r, 300));
    await proxy.admin('POST', '/admin/resume', {});
    await proxy.admin('PUT', '/admin/rollout', { percent: 50 });
    await traffic(many, 25);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await state()).rollback.engaged).toBe(false);
  }, 20_000);
});
