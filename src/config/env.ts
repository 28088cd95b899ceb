import { NOTIFY_ENV_PATHS, NOTIFY_SECRET_PATHS } from './notify.js';
import { UNLEASH_ENV_PATHS, UNLEASH_SECRET_PATHS } from './unleash.js';

/**
 * Environment variables and the config paths they override (ARCHITECTURE.md, "Environment").
 * This table is the only place that knows the names; load.ts is the only reader of process.env.
 */
export const ENV_PATHS: Readonly<Record<string, readonly string[]>> = {
  PORT: ['port'],
  ADMIN_HOST: ['admin', 'host'],
  ADMIN_PORT: ['admin', 'port'],
  ADMIN_TOKEN: ['admin', 'token'],
  ADMIN_READ_TOKEN: ['admin', 'readToken'],
  ADMIN_TOKEN_FILE: ['admin', 'tokenFile'],
  HTTP_HEADERS_TIMEOUT_MS: ['http', 'headersTimeoutMs'],
  HTTP_REQUEST_TIMEOUT_MS: ['http', 'requestTimeoutMs'],
  HTTP_IDLE_TIMEOUT_MS: ['http', 'idleTimeoutMs'],
  LEGACY_ENGINE_URL: ['engines', 'legacy', 'url'],
  USER_ENGINE_URL: ['engines', 'user', 'url'],
  JWT_SECRET: ['jwt', 'secret'],
  JWT_JWKS_URL: ['jwt', 'jwksUrl'],
  JWT_ISSUER: ['jwt', 'issuer'],
  JWT_AUDIENCE: ['jwt', 'audience'],
  ID_HASH_SECRET: ['identity', 'idHashSecret'],
  FLAG_SOURCE: ['flags', 'source'],
  FLAGS_FILE: ['flags', 'file'],
  FLAGS_MAX_FILE_BYTES: ['flags', 'maxFileBytes'],
  ROLLOUT_FLAG: ['flags', 'rolloutFlag'],
  SHADOW_FLAG: ['flags', 'shadowFlag'],
  BASELINE_FLAG: ['flags', 'baselineFlag'],
  SHADOW_BASELINE_PERCENT: ['shadow', 'baseline', 'percent'],
  ...UNLEASH_ENV_PATHS,
  LOG_LEVEL: ['log', 'level'],
  TICKET_SECRET: ['tickets', 'secret'],
  WS_ALLOW_ENGINE_RUNS: ['websocket', 'allowEngineInitiatedRuns'],
  WS_CLAIM_LINGER_MS: ['websocket', 'claimLingerMs'],
  GUARD_MODE: ['guard', 'mode'],
  GUARD_WINDOW_SECONDS: ['guard', 'windowSeconds'],
  GUARD_MIN_REQUESTS: ['guard', 'minRequests'],
  GUARD_MIN_USERS: ['guard', 'minUsers'],
  GUARD_MAX_ERROR_RATE_DELTA: ['guard', 'maxErrorRateDelta'],
  GUARD_MAX_ERROR_RATE: ['guard', 'maxErrorRate'],
  GUARD_MAX_P95_RATIO: ['guard', 'maxP95Ratio'],
  GUARD_MIN_P95_DELTA_MS: ['guard', 'minP95DeltaMs'],
  GUARD_MAX_MISMATCH_RATE: ['guard', 'maxMismatchRate'],
  GUARD_MIN_COMPARISONS: ['guard', 'minComparisons'],
  GUARD_CONFIDENCE: ['guard', 'confidence'],
  STORE_URL: ['store', 'url'],
  STORE_PATH: ['store', 'path'],
  STORE_RETENTION_DAYS: ['store', 'retentionDays'],
  GUARD_MAX_MISMATCH_DELTA: ['guard', 'maxMismatchDelta'],
  GUARD_NOISY_KIND_RATE: ['guard', 'noisyKindRate'],
  ...NOTIFY_ENV_PATHS,
};

/** Values that must never be printed. */
export const SECRET_PATHS: readonly string[] = [
  'admin.token',
  'admin.readToken',
  'jwt.secret',
  'tickets.secret',
  'identity.idHashSecret',
  'store.url',
  ...UNLEASH_SECRET_PATHS,
  ...NOTIFY_SECRET_PATHS,
];
