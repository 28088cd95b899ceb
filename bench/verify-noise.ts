import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createTicketStore, DEMO_JWT_SECRET, startEngine } from '../engines/index.js';
import { buildConfig } from '../src/config/load.js';
import { significantlyAbove } from '../src/guard/gates/stats.js';
import { createSwitchyard } from '../src/server.js';
import { formatNoise, readNoise } from './noise-readout.js';
import { NoiseUsers } from './noise-users.js';

/**
 * `npm run verify:noise` (issue 21, "How it will be checked"; not in CI, ~6 minutes): the
 * reference engines with the documented noise (DEMO_NOISE, default 0.08: that share of runs takes
 * another tool, on both engines), Switchyard in front on real ports with the guard in enforce
 * mode, rollout 50%, baseline 50%, the rest shadowed, and simulated WebSocket users. For
 * VERIFY_HEALTHY_SECONDS (300) of real time it prints the floors, the cross rate and the gate's
 * basis every 30 s and fails if the guard rolls back; then the user engine regresses
 * by VERIFY_POINTS (15) points of cross-engine mismatch rate (that share of the runs that do not
 * already differ lose `tool_completed`) and it prints the time to trip.
 */
const env = process.env;
const noise = Number(env.DEMO_NOISE ?? 0.08);
const healthySeconds = Number(env.VERIFY_HEALTHY_SECONDS ?? 300);
const points = Number(env.VERIFY_POINTS ?? 15);
// Two runs already differ in 2 x noise x (1 - noise) of cases: this share of the rest is `points`.
const regression = points / 100 / (1 - 2 * noise * (1 - noise));
// 80 users fill each floor with ~700 runs a minute: the gate is no surer than its floor.
const usersCount = Number(env.VERIFY_USERS ?? 80);
const everyMs = Number(env.VERIFY_RUN_EVERY_MS ?? 1500);
const windowSeconds = 60;

const noisy = { divergence: { kind: 'tool' as const, fraction: noise } };
const tickets = createTicketStore();
const legacy = await startEngine({ kind: 'legacy', jwtSecret: DEMO_JWT_SECRET, tickets, faults: noisy });
const user = await startEngine({ kind: 'user', jwtSecret: DEMO_JWT_SECRET, tickets, faults: { ...noisy } });
const dir = await mkdtemp(join(tmpdir(), 'switchyard-verify-noise-'));
const config = buildConfig(
  {
    port: 0,
    admin: { port: 0, tokenFile: join(dir, 'admin-token'), token: 'verify-noise-admin-token-0123456789' },
    engines: { legacy: { url: legacy.url }, user: { url: user.url } },
    jwt: { secret: DEMO_JWT_SECRET },
    flags: { file: join(dir, 'flags.json') },
    store: { path: join(dir, 'store.db') },
    log: { requests: false },
    guard: { mode: 'enforce', windowSeconds },
  },
  {},
);
const app = createSwitchyard({ config, log: pino({ level: 'error' }), adminToken: config.admin.token! });
const { trafficPort } = await app.start();
await app.switchboard.setRollout(50);
await app.switchboard.setBaseline(50);
await app.switchboard.setShadow(100);
const users = new NoiseUsers(`http://127.0.0.1:${trafficPort}`, DEMO_JWT_SECRET, usersCount, everyMs);
await users.start();

const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(0).padStart(3);
const rolledBack = () => app.switchboard.flags()?.rollback.engaged === true;
const gate = () => app.guard.report().gates.find((g) => g.name === 'mismatch_rate')!;
const line = () => {
  const g = gate();
  const over = g.basis === 'baseline' ? `floor ${((g.floor ?? 0) * 100).toFixed(1)}%` : 'limit 5%';
  return (
    `${formatNoise(readNoise(app.guard.window, Date.now()))}  basis ${g.basis} (${over}) ` +
    `verdict ${g.verdict}  rolled back ${rolledBack() ? 'YES' : 'no'}`
  );
};
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

console.log(
  `verify:noise  noise ${noise} (tool, both engines)  rollout 50%  baseline 50%  shadow the rest  ` +
    `guard enforce, window ${windowSeconds} s  ${usersCount} users, a run every ${everyMs}-${everyMs * 1.5} ms`,
);
let failed = false;
while (Date.now() - started < healthySeconds * 1000 && !rolledBack()) {
  await wait(Math.min(30_000, healthySeconds * 1000 - (Date.now() - started)));
  console.log(`t=${elapsed()} s  ${line()}`);
}
if (rolledBack()) {
  failed = true;
  console.log(`FAIL: the guard rolled back a healthy noisy engine: ${app.guard.report().lastTrip?.reason}`);
} else {
  console.log(`healthy phase: ${healthySeconds} s in enforce mode, no rollback`);
  const cross = readNoise(app.guard.window, Date.now()).cross;
  const limit = config.guard.maxMismatchRate;
  const absolute =
    cross.rate !== null &&
    cross.rate > limit &&
    significantlyAbove(cross.mismatched, cross.n, limit, config.guard.confidence);
  console.log(
    `  the absolute ${limit * 100}% limit would have tripped (${cross.mismatched} of ${cross.n}, ` +
      `significant at ${config.guard.confidence}): ${absolute}`,
  );
  user.faults.regression = { kind: 'missing_event', fraction: regression };
  const from = Date.now();
  console.log(
    `user engine regresses now: +${points} points (${(regression * 100).toFixed(1)}% of prompts lose tool_completed)`,
  );
  while (!rolledBack() && Date.now() - from < 3 * windowSeconds * 1000) await wait(100);
  const seconds = (Date.now() - from) / 1000;
  if (rolledBack()) {
    console.log(`tripped after ${seconds.toFixed(1)} s (window + 1 s = ${windowSeconds + 1} s)`);
    console.log(`  reason: ${app.guard.report().lastTrip?.reason}`);
    console.log(`  at the trip: ${line()}`);
    failed = seconds > windowSeconds + 1;
  } else {
    failed = true;
    console.log(`FAIL: no trip within ${seconds.toFixed(0)} s: ${line()}`);
  }
}
console.log(`runs completed ${users.completed}, failed ${users.failed}`);
users.stop();
await app.stop(1000);
await Promise.all([legacy.close(), user.close()]);
await rm(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
