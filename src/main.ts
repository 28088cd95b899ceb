import { dirname, join } from 'node:path';
import { fleetSecretProblems } from './config/fleet-secrets.js';
import { ConfigError, loadConfig, maskSecrets } from './config/load.js';
import { createLoggers } from './log/logger.js';
import { generateTokenFile } from './admin/token-file.js';
import { loadOrCreateIdHashSecret } from './identity/id-hash-secret.js';
import { createSwitchyard } from './server.js';
import { EXIT, startFailure } from './start-failure.js';

/** How long a stop may take in all: past it the process exits (1) whatever is still pending. */
const HARD_STOP_MS = 15_000;
/** How long buffered log lines get before an exit: a stdout nobody reads must not hold it up. */
const LOG_FLUSH_MS = 2_000;

/** Load config, build, listen, drain on SIGTERM. Exit codes: src/start-failure.ts (README). */
async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig({ env: process.env });
    const missing = fleetSecretProblems(config);
    if (missing.length > 0) throw new ConfigError(missing);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchyard: ${err.message}\n`);
      process.exit(EXIT.config);
    }
    throw err;
  }
  const { log, requestLog, flush } = createLoggers(config.log.level);
  const exit = (code: number): void => {
    void flush(LOG_FLUSH_MS).then(() => process.exit(code));
  };
  process.on('unhandledRejection', (err) => {
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled rejection (ignored)');
  });
  log.info({ config: maskSecrets(config) }, 'configuration loaded');
  try {
    let adminToken = config.admin.token;
    if (adminToken === undefined) {
      adminToken = await generateTokenFile(config.admin.tokenFile);
      log.info(
        { tokenFile: config.admin.tokenFile },
        'no ADMIN_TOKEN configured: generated one (mode 0600) for the CLI',
      );
    }
    const idHashSecret =
      config.identity.idHashSecret ??
      (await loadOrCreateIdHashSecret(join(dirname(config.admin.tokenFile), 'id-hash-secret')));
    const app = createSwitchyard({ config, log, requestLog, adminToken, idHashSecret });
    await app.start();
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping: no new connections, finishing in-flight requests');
      // Not unref'd, and independent of the log stream: the process ends by this time at the latest.
      setTimeout(() => process.exit(EXIT.hardStop), HARD_STOP_MS);
      app.stop().then(
        () => {
          log.info('stopped');
          exit(EXIT.ok);
        },
        (err: unknown) => {
          log.error({ err: (err as Error).message }, 'stop failed');
          exit(EXIT.hardStop);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (err) {
    const failure = startFailure(err);
    process.stderr.write(`switchyard: could not start: ${failure.message}\n`);
    log.fatal({ err: failure.message, exitCode: failure.code }, 'could not start');
    exit(failure.code);
  }
}

void main();
