// Starts unleash-server 8 in this process, for the system tests. Node >= 22 runs it as it is
// (`node start-unleash.ts`: type stripping), so it keeps to erasable TypeScript.
// Everything comes from the environment the test sets: DATABASE_URL, HTTP_PORT,
// INIT_ADMIN_API_TOKENS, INIT_BACKEND_API_TOKENS, CHECK_VERSION=false, SEND_TELEMETRY=false.
// Prints one JSON line `{"ready":true,...}` on stdout once it serves; SIGTERM stops it.
import { start } from 'unleash-server';

const started = Date.now();
const unleash = await start({
  db: { ssl: false },
  server: { host: '127.0.0.1', port: Number(process.env.HTTP_PORT), gracefulShutdownEnable: false },
  versionCheck: { enable: false },
});
process.stdout.write(`${JSON.stringify({ ready: true, ms: Date.now() - started })}\n`);
const stop = (): void => {
  unleash.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
