import { pino } from 'pino';
import { DEMO_JWT_SECRET } from './demo-secret.js';
import { startEngine } from './server.js';
import { createTicketStore } from './tickets.js';
import type { RunningEngine } from './types.js';

/**
 * Runs both reference engines, sharing one ticket store as the backend's engines share Redis:
 * `LEGACY_PORT` (8101), `USER_PORT` (8102), `ENGINES_HOST` (127.0.0.1), `JWT_SECRET`.
 */
async function main(): Promise<void> {
  const logger = pino({ name: 'switchyard-engines', level: process.env['LOG_LEVEL'] ?? 'info' });
  const problems: string[] = [];
  const legacyPort = port('LEGACY_PORT', 8101, problems);
  const userPort = port('USER_PORT', 8102, problems);
  if (problems.length > 0) {
    for (const problem of problems) logger.error(problem);
    process.exit(2);
  }
  const host = process.env['ENGINES_HOST'] ?? '127.0.0.1';
  const jwtSecret = process.env['JWT_SECRET'] ?? DEMO_JWT_SECRET;
  const tickets = createTicketStore();

  const engines: RunningEngine[] = [];
  for (const [kind, port] of [
    ['legacy', legacyPort],
    ['user', userPort],
  ] as const) {
    const engine = await startEngine({ kind, jwtSecret, tickets, host, port });
    engines.push(engine);
    logger.info({ engine: kind, url: engine.url }, `${kind} engine listening on ${engine.url}`);
  }

  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping engines');
    // Closing leaves no handle behind, so the process ends by itself; the timer is a backstop.
    setTimeout(() => process.exit(1), 5000).unref();
    void Promise.all(engines.map((engine) => engine.close())).then(() => logger.info('engines stopped'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function port(name: string, fallback: number, problems: string[]): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) problems.push(`${name}: not a port (${raw})`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
