import type { Switchyard } from '../src/server.js';
import type { TrafficCounters } from './simulated-users.js';

async function metric(app: Switchyard, name: string, labels: Record<string, string>): Promise<number> {
  const m = await app.registry.getSingleMetric(name)?.get();
  if (m === undefined) return 0;
  return m.values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** One line: stage, percentages, requests per engine, leaks blocked per engine, comparisons, guard. */
export async function summaryLine(app: Switchyard, c: TrafficCounters): Promise<string> {
  const flags = app.switchboard.flags();
  const rollback = flags?.rollback;
  const leaks = {
    legacy: await metric(app, 'switchyard_isolation_violations_total', { engine: 'legacy', action: 'block' }),
    user: await metric(app, 'switchyard_isolation_violations_total', { engine: 'user', action: 'block' }),
  };
  const cmp = {
    match: await metric(app, 'switchyard_shadow_comparisons_total', { result: 'match' }),
    mismatch: await metric(app, 'switchyard_shadow_comparisons_total', { result: 'mismatch' }),
  };
  const switchText =
    rollback?.engaged === true
      ? `ROLLED BACK (${rollback.trigger}: ${rollback.reason ?? 'no reason'})`
      : 'switch off';
  return [
    new Date().toISOString().slice(11, 19),
    `rollout ${flags?.rollout.percent ?? 0}%`,
    `shadow ${flags?.shadow.percent ?? 0}%`,
    switchText,
    `http legacy ${c.http.legacy} user ${c.http.user} failed ${c.http.failed}`,
    `ws sessions ${c.wsSessions.token + c.wsSessions.ticket} (ticket ${c.wsSessions.ticket})`,
    `leaks blocked legacy ${leaks.legacy} user ${leaks.user}`,
    `comparisons match ${cmp.match} mismatch ${cmp.mismatch}`,
  ].join(' | ');
}
