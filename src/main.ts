import { ConfigError, loadConfig, maskSecrets } from './config/load.js';
import { createLoggers } from './log/logger.js';
import { dirname, join } from 'node:path';
import { generateTokenFile } from './admin/token-file.js';
import { loadOrCreateIdHashSecret } from './identity/id-hash-secret.js';
import { createSwitchyard } from './server.js';

/** Load config, build, listen, drain on SIGTERM. Exit 2 on invalid configuration. */
async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig({ env: process.env });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchyard: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const { log, requestLog, flush } = createLoggers(config.log.level);
  log.info({ config: maskSecrets(config) }, 'configuration loaded');
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
  try {
    await app.start();
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'could not start');
    flush();
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: no new connections, finishing in-flight requests');
    const hardStop = setTimeout(() => process.exit(1), 15_000);
    hardStop.unref();
    app.stop().then(
      () => {
        log.info('stopped');
        flush();
        process.exit(0);
      },
      () => {
        flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
