import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Switchboard } from '../../../src/switchboard/switchboard.js';
import { InMemoryFlagSource } from '../../../src/flags/in-memory-source.js';
import { DEFAULT_GUARD_LIMITS } from '../../../src/guard/gates/limits.js';
import { RollbackGuard, type GuardClock } from '../../../src/guard/rollback-guard.js';
import { createMetrics } from '../../../src/metrics/catalog.js';
import { T0 } from './feed.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow' };

/** A clock the test moves by hand; `tick()` runs what the guard scheduled, as its timer would. */
class ManualClock implements GuardClock {
  t = T0;
  readonly ticks: Array<{ ms: number; tick: () => void }> = [];
  now(): number {
    return this.t;
  }
  every(ms: number, tick: () => void): () => void {
    const entry = { ms, tick };
    this.ticks.push(entry);
    return () => this.ticks.splice(this.ticks.indexOf(entry), 1);
  }
  /** Moves one second on and fires every scheduled tick. */
  second(): void {
    this.t += 1000;
    for (const e of [...this.ticks]) e.tick();
  }
}

async function setup(percent = 100) {
  const source = new InMemoryFlagSource(names);
  const switchboard = new Switchboard(source, createMetrics(new Registry()), pino({ level: 'silent' }));
  switchboard.init();
  await switchboard.setRollout(percent);
  const clock = new ManualClock();
  const guard = new RollbackGuard(
    DEFAULT_GUARD_LIMITS,
    'enforce',
    switchboard,
    createMetrics(new Registry()),
    pino({ level: 'silent' }),
    clock,
  );
  guard.start();
  return { switchboard, clock, guard };
}

/** `n` user-engine requests, 20 a second, from `users` users; `failed(i)` says which failed. */
function userTraffic(
  guard: RollbackGuard,
  clock: ManualClock,
  n: number,
  users: number,
  failed: (i: number) => boolean,
): void {
  for (let i = 0; i < n; i++) {
    if (i % 20 === 0) clock.second();
    guard.recordHttp('user', 20, failed(i) ? 502 : 200, `user-${i % users}`);
  }
}

describe('RollbackGuard on an injected clock', () => {
  it('evaluates on the clock it is given, once a second, until stopped', async () => {
    const { clock, guard } = await setup();
    expect(clock.ticks.map((e) => e.ms)).toEqual([1000]);
    guard.start();
    expect(clock.ticks).toHaveLength(1);
    guard.stop();
    expect(clock.ticks).toHaveLength(0);
  });

  it('rolls back when the user engine is dead at 100% rollout, with nothing on legacy to compare', async () => {
    const { switchboard, clock, guard } = await setup(100);
    userTraffic(guard, clock, 200, 40, () => true);
    clock.second();
    const flags = switchboard.flags()!;
    expect(flags.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(flags.rollback.reason).toMatch(/^user_error_rate: user 100\.0% of \d+ requests failed \(> 5%\)/);
    expect(guard.report().lastTrip).toMatchObject({ gate: 'user_error_rate', dryRun: false });
  });

  it('does not roll back a healthy user engine at 100% rollout', async () => {
    const { switchboard, clock, guard } = await setup(100);
    userTraffic(guard, clock, 1000, 40, (i) => i % 50 === 0);
    clock.second();
    expect(switchboard.flags()!.rollback.engaged).toBe(false);
    const gate = guard.report().gates.find((g) => g.name === 'user_error_rate')!;
    expect(gate).toMatchObject({ verdict: 'ok', value: 0.02 });
  });

  it('does not roll back at 100% rollout when one user alone fails', async () => {
    const { switchboard, clock, guard } = await setup(100);
    userTraffic(guard, clock, 400, 40, () => false);
    for (let i = 0; i < 200; i++) guard.recordHttp('user', 20, 500, 'the-one-user');
    clock.second();
    expect(switchboard.flags()!.rollback.engaged).toBe(false);
    expect(guard.report().gates.find((g) => g.name === 'user_error_rate')).toMatchObject({
      verdict: 'insufficient',
      users: 1,
    });
  });

  it('lets old failures fall out of the window as the injected clock moves', async () => {
    const { switchboard, clock, guard } = await setup(100);
    guard.stop();
    userTraffic(guard, clock, 200, 40, () => true);
    clock.t += 61_000;
    guard.evaluate();
    expect(switchboard.flags()!.rollback.engaged).toBe(false);
    expect(guard.report().gates.find((g) => g.name === 'user_error_rate')!.value).toBeNull();
  });

  it('does not roll back when one account with 205 sessions receives ownership violations', async () => {
    const { switchboard, clock, guard } = await setup(100);
    for (let s = 0; s < 205; s++) guard.recordIsolation('user', 'ownership', `session-${s}`, 'attacker');
    clock.second();
    expect(switchboard.flags()!.rollback.engaged).toBe(false);
    expect(guard.report().gates.find((g) => g.name === 'isolation')).toMatchObject({
      verdict: 'insufficient',
      value: 205,
      users: 1,
    });
  });

  it('rolls back when 20 distinct users receive ownership violations', async () => {
    const { switchboard, clock, guard } = await setup(100);
    for (let u = 0; u < 20; u++) guard.recordIsolation('user', 'ownership', `session-${u}`, `user-${u}`);
    clock.second();
    expect(switchboard.flags()!.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
    expect(switchboard.flags()!.rollback.reason).toMatch(/^isolation: 20 ownership violations/);
  });

  it("rolls back at once, before any tick, on one frame carrying another known user's id", async () => {
    const { switchboard, guard } = await setup(100);
    guard.recordIsolation('user', 'user_id', 'session-1', 'victim-reader');
    expect(switchboard.flags()!.rollback).toMatchObject({ engaged: true, trigger: 'guard' });
  });
});
