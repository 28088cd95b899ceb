import { getHeapSpaceStatistics } from 'node:v8';
import { createLoggers } from '../src/log/logger.js';
import { buildConfig } from '../src/config/load.js';
import { createSwitchyard } from '../src/server.js';
import { NullStore } from './null-store.js';

/**
 * Switchyard with every feature on (token check, decision, metrics, request log to /dev/null).
 * BENCH_GUARD=enforce|off, BENCH_ISOLATION=block|off, BENCH_ROLLOUT, BENCH_SHADOW and
 * BENCH_USER_TARGET (a hanging shadow engine), BENCH_SHADOW_MAX_FPS pick the variants the report
 * compares; BENCH_STORE_URL (a PostgreSQL store) or BENCH_STORE=off (a store that writes nothing)
 * the store (bench/fleet.ts).
 */
const env = process.env;
const config = buildConfig(
  {
    port: 0,
    host: '127.0.0.1',
    admin: { port: 0, token: 'bench-admin-token-0123456789abcdefgh' },
    engines: { legacy: { url: env.TARGET }, user: { url: env.BENCH_USER_TARGET ?? env.TARGET } },
    jwt: { secret: env.BENCH_SECRET },
    flags: { file: env.FLAGS_FILE },
    guard: { mode: env.BENCH_GUARD ?? 'enforce' },
    log: { requests: env.BENCH_LOG !== 'off' },
    websocket: { isolation: env.BENCH_ISOLATION ?? 'block' },
    ...(env.BENCH_STORE_URL !== undefined && { store: { url: env.BENCH_STORE_URL } }),
    // The shadowed WebSocket measure raises the shadow's frame-rate cap (500/s) above the flood's
    // rate: with the default cap the shadow is dropped after 500 frames and nothing is compared.
    shadow: { maxFramesPerSecond: env.BENCH_SHADOW_MAX_FPS },
  },
  {},
);
// The service's own loggers, to /dev/null: the bench pays what production pays.
const { log, requestLog } = createLoggers('info', '/dev/null');
const app = createSwitchyard({
  config,
  log,
  requestLog,
  adminToken: 'bench-admin-token-0123456789abcdefgh',
  ...(env.BENCH_STORE === 'off' && { store: new NullStore() }),
});
const { trafficPort, opsPort } = await app.start();
await app.switchboard.setRollout(Number(env.BENCH_ROLLOUT ?? 50));
if (env.BENCH_SHADOW !== undefined) await app.switchboard.setShadow(Number(env.BENCH_SHADOW));
if (env.BENCH_BASELINE !== undefined) await app.switchboard.setBaseline(Number(env.BENCH_BASELINE));
process.stdout.write(`READY ${trafficPort} ${opsPort}\n`);
// SIGUSR2: where the memory is, per V8 heap space (MiB committed), on stderr for the bench's report.
process.on('SIGUSR2', () => {
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_size / 104_857.6) / 10]),
  );
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 104_857.6) / 10;
  process.stderr.write(
    `HEAP ${JSON.stringify({ rss: mib(rss), heapTotal: mib(heapTotal), heapUsed: mib(heapUsed), external: mib(external), arrayBuffers: mib(arrayBuffers), spaces })}\n`,
  );
});
process.on('SIGTERM', () => void app.stop(100).then(() => process.exit(0)));
