import { pino } from 'pino';
import { buildConfig } from '../src/config/load.js';
import { createSwitchyard } from '../src/server.js';

/** Switchyard with every feature on (token check, decision, metrics, request log to /dev/null). */
const config = buildConfig(
  {
    port: 0,
    host: '127.0.0.1',
    admin: { port: 0, token: 'bench-admin-token-0123456789abcdefgh' },
    engines: { legacy: { url: process.env.TARGET }, user: { url: process.env.TARGET } },
    jwt: { secret: process.env.BENCH_SECRET },
    flags: { file: process.env.FLAGS_FILE },
  },
  {},
);
const log = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
const app = createSwitchyard({ config, log, adminToken: 'bench-admin-token-0123456789abcdefgh' });
const { trafficPort } = await app.start();
await app.control.setRollout(50);
process.stdout.write(`READY ${trafficPort}\n`);
process.on('SIGTERM', () => void app.stop(100).then(() => process.exit(0)));
