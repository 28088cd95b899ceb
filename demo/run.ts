import { mkdir } from 'node:fs/promises';
import { pino } from 'pino';
import { createTicketStore, DEMO_JWT_SECRET, startEngine } from '../engines/index.js';
import { buildConfig } from '../src/config/load.js';
import { generateTokenFile } from '../src/admin/token-file.js';
import { createSwitchyard } from '../src/server.js';
import { SimulatedUsers } from './simulated-users.js';
import { summaryLine } from './summary-line.js';

/**
 * `npm run demo`: both reference engines (legacy leaking across users), Switchyard in front on
 * its usual ports, and simulated users over HTTP and WebSocket. A summary line every 5 s.
 * `kill -USR2 <pid>` (or DEMO_FAIL_AFTER=<seconds>) makes the user engine fail, to watch the
 * guard roll back; `npx switchyard resume` brings the users back.
 */
const env = process.env;
/**
 * DEMO_NOISE=0.08: both engines take another tool in that share of runs (the documented noise
 * setting, docs/shadow.md "Noise baseline"), and DEMO_BASELINE (default 50) % of users get a
 * baseline copy, so the guard's mismatch gate judges against the engines' floors. Legacy does not
 * leak then: its leak crosses every concurrent run of an agent, a baseline copy's too.
 */
const noise = env.DEMO_NOISE === undefined ? null : Number(env.DEMO_NOISE);
const noisy = noise === null ? {} : { divergence: { kind: 'tool' as const, fraction: noise } };
const secret = env.JWT_SECRET ?? DEMO_JWT_SECRET;
const log = pino({ level: env.LOG_LEVEL ?? 'warn' });
const tickets = createTicketStore();
const legacy = await startEngine({
  kind: 'legacy',
  jwtSecret: secret,
  tickets,
  faults: { leak: noise === null, envelope: 'emitter', ...noisy },
});
const user = await startEngine({
  kind: 'user',
  jwtSecret: secret,
  tickets,
  faults: noise === null ? { divergence: { kind: 'tool', fraction: 0.1 } } : noisy,
});

await mkdir('.switchyard', { recursive: true });
const config = buildConfig(
  {
    admin: { tokenFile: '.switchyard/admin-token' },
    engines: { legacy: { url: legacy.url }, user: { url: user.url } },
    jwt: { secret },
    flags: { file: env.FLAGS_FILE ?? '.switchyard/demo-flags.json' },
    log: { requests: false },
    guard: { minRequests: 50, windowSeconds: 30 },
  },
  env,
);
const adminToken = config.admin.token ?? (await generateTokenFile(config.admin.tokenFile));
const app = createSwitchyard({ config, log, adminToken });
const { trafficPort, opsPort } = await app.start();
if (app.switchboard.flags()?.rollout.percent === 0 && app.switchboard.flags()?.shadow.percent === 0) {
  await app.switchboard.setRollout(20);
  await app.switchboard.setShadow(30);
}
if (noise !== null && (app.switchboard.flags()?.baseline?.percent ?? 0) === 0) {
  await app.switchboard.setBaseline(Number(env.DEMO_BASELINE ?? 50));
}
const users = new SimulatedUsers(`http://127.0.0.1:${trafficPort}`, secret, Number(env.DEMO_USERS ?? 40));
await users.start();
console.log(
  `switchyard demo: traffic http://127.0.0.1:${trafficPort}  ops http://${config.admin.host}:${opsPort}`,
);
console.log(
  `  engines: legacy ${legacy.url}${noise === null ? ' (leaks across users)' : ''}, user ${user.url}`,
);
console.log(
  `  try: npx switchyard status | npx switchyard rollout 50 | npx switchyard rollback --reason test`,
);
console.log(`  make the user engine fail: kill -USR2 ${process.pid}   (Ctrl-C stops everything)`);

const failUserEngine = () => {
  user.faults.httpFailRate = user.faults.httpFailRate === 1 ? 0 : 1;
  console.log(
    user.faults.httpFailRate === 1 ? 'user engine now FAILING every request' : 'user engine healthy again',
  );
};
process.on('SIGUSR2', failUserEngine);
if (env.DEMO_FAIL_AFTER !== undefined) setTimeout(failUserEngine, Number(env.DEMO_FAIL_AFTER) * 1000).unref();

const ticker = setInterval(() => {
  void summaryLine(app, users.counters).then((line) => console.log(line));
}, 5000);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  clearInterval(ticker);
  users.stop();
  void app
    .stop(2000)
    .then(() => Promise.all([legacy.close(), user.close()]))
    .then(() => process.exit(0));
  setTimeout(() => process.exit(1), 5000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
