import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { seenByAll, type Member } from './fleet.js';
import { printMeasurements, startScenario, type Scenario } from './scenario.js';
import { startTraffic } from './traffic.js';

let s: Scenario;
let fleet: Member[];
const flags = (m: Member) => m.app.switchboard.flags();

beforeAll(async () => {
  s = await startScenario();
  fleet = await Promise.all(['proxy-a', 'proxy-b', 'proxy-c'].map((name) => s.member(name)));
  expect((await fleet[0]!.admin('PUT', '/admin/rollout', { percent: 50 })).status).toBe(200);
  await seenByAll(fleet, (m) => flags(m)?.rollout.percent === 50, Date.now(), 10_000);
}, 180_000);

afterAll(async () => {
  await s?.stop();
  if (s !== undefined) printMeasurements('Unleash fleet: outage', s.measured);
}, 60_000);

describe('a fleet of three proxies when Unleash goes away and comes back', () => {
  it('keeps serving, reports the staleness, holds a rollback made meanwhile, and recovers by itself', async () => {
    const traffic = startTraffic(fleet);
    await s.unleash.stop();
    const down = Date.now();
    await seenByAll(fleet, (m) => !m.source.status().up, down, 15_000);
    s.measured.push(`Unleash stopped; every proxy reported it down after ${Date.now() - down} ms`);
    const lastSync = fleet.map((m) => m.source.status().lastSync);
    await new Promise((r) => setTimeout(r, 1100)); // the gauges are refreshed every second
    const metrics = await (await fetch(`${fleet[0]!.opsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^switchyard_flag_source_up 0$/m);
    const syncGauge = Number(/^switchyard_flag_last_sync_timestamp_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(syncGauge).toBe(Date.parse(lastSync[0]!) / 1000);
    for (const m of fleet) expect((await fetch(`${m.opsUrl}/readyz`)).status).toBe(200);

    // Started now: without a backup, everyone on legacy and not ready, with the reason; with one, ready.
    const fresh = await s.member('proxy-fresh');
    await cp(join(s.dir, 'proxy-a-backup'), join(s.dir, 'proxy-backed-backup'), { recursive: true });
    const backed = await s.member('proxy-backed');
    const notReady = await fetch(`${fresh.opsUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect((await notReady.json()).reason).toMatch(/^unleash unreachable, no backup/);
    expect(fresh.app.switchboard.decide('anyone')).toMatchObject({
      serve: 'legacy',
      reason: 'flags-unavailable',
    });
    expect((await fetch(`${backed.opsUrl}/readyz`)).status).toBe(200);
    expect(flags(backed)?.rollout.percent).toBe(50);

    // A rollback while Unleash is away: obeyed here at once and held; the fleet gets it when it is back.
    const held = await fleet[0]!.admin('POST', '/admin/rollback', { reason: 'during outage' });
    expect(held.body.rollback.engaged).toBe(true);
    expect(held.body.flagSource.problem).toContain('not yet written to Unleash');
    expect(fleet.map((m) => m.source.status().lastSync)).toEqual(lastSync);

    await s.unleash.restart();
    const back = Date.now();
    const up = await seenByAll([...fleet, fresh, backed], (m) => m.source.status().up, back, 30_000);
    const seen = await seenByAll(
      [...fleet, fresh, backed],
      (m) => flags(m)?.rollback.engaged === true,
      back,
      30_000,
    );
    s.measured.push(
      `Unleash restarted (${s.unleash.startMs} ms); proxies up again after (ms): ${JSON.stringify(up)}`,
    );
    s.measured.push(
      `the rollback held during the outage reached every proxy after (ms): ${JSON.stringify(seen)}`,
    );
    expect(flags(fleet[1]!)?.rollback).toMatchObject({ trigger: 'manual', reason: 'during outage' });
    expect((await fetch(`${fresh.opsUrl}/readyz`)).status).toBe(200);

    const report = await traffic.stop();
    s.measured.push(`requests through the outage: ${report.ok} ok, ${report.failed.length} failed`);
    expect(report.failed).toEqual([]);
    expect(report.ok).toBeGreaterThan(100);
  }, 90_000);
});
