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
  LEGACY_ENGINE_URL: ['engines', 'legacy', 'url'],
  USER_ENGINE_URL: ['engines', 'user', 'url'],
  JWT_SECRET: ['jwt', 'secret'],
  JWT_JWKS_URL: ['jwt', 'jwksUrl'],
  JWT_ISSUER: ['jwt', 'issuer'],
  JWT_AUDIENCE: ['jwt', 'audience'],
  FLAG_SOURCE: ['flags', 'source'],
  FLAGS_FILE: ['flags', 'file'],
  ROLLOUT_FLAG: ['flags', 'rolloutFlag'],
  SHADOW_FLAG: ['flags', 'shadowFlag'],
  LOG_LEVEL: ['log', 'level'],
  TICKET_SECRET: ['tickets', 'secret'],
};

/** Values that must never be printed. */
export const SECRET_PATHS: readonly string[] = ['admin.token', 'admin.readToken', 'jwt.secret'];
