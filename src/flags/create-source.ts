import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { DEFAULT_MAX_FLAG_FILE_BYTES, FileFlagSource } from './file-source.js';
import type { FlagSource } from './source.js';
import type { UnleashSettings } from '../config/unleash.js';
import { UnleashFlagSource } from './unleash/source.js';

export interface FlagsSettings {
  source: 'file' | 'unleash';
  file: string;
  maxFileBytes?: number;
  rolloutFlag: string;
  shadowFlag: string;
  baselineFlag?: string;
  unleash?: UnleashSettings;
}

/** The flag source the configuration asks for (server.ts calls this unless a test injects one). */
export function createFlagSource(
  config: { flags: FlagsSettings; shadow?: { baseline: { percent: number } } },
  log: Logger,
): FlagSource {
  const { flags } = config;
  const names = {
    rollout: flags.rolloutFlag,
    shadow: flags.shadowFlag,
    ...(flags.baselineFlag !== undefined && { baseline: flags.baselineFlag }),
    ...(config.shadow !== undefined && { baselinePercent: config.shadow.baseline.percent }),
  };
  if (flags.source === 'file') {
    return new FileFlagSource(flags.file, names, log, {
      maxBytes: flags.maxFileBytes ?? DEFAULT_MAX_FLAG_FILE_BYTES,
    });
  }
  const u = flags.unleash;
  if (u?.url === undefined || u.apiToken === undefined) {
    throw new Error('FLAG_SOURCE=unleash needs UNLEASH_URL and UNLEASH_API_TOKEN'); // the schema says so first
  }
  return new UnleashFlagSource({
    url: u.url,
    apiToken: u.apiToken,
    adminToken: u.adminToken,
    refreshMs: u.refreshMs,
    backupPath: u.backupPath,
    project: u.project,
    environment: u.environment,
    appName: u.appName,
    instanceId: u.instanceId ?? `${hostname()}-${process.pid}`,
    names,
    log,
  });
}
