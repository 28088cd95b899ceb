import { parse } from 'yaml';
import { ENV_PATHS, SECRET_PATHS } from '../../src/config/env.js';
import { fleetSecretProblems } from '../../src/config/fleet-secrets.js';
import { buildConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

/** A compose file is untyped YAML. */
type Service = any;

/** `KEY=value` lines of an env file (`#` comments and blank lines skipped). */
export function readEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    if (eq > 0) out[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return out;
}

/** Compose's `${VAR}`, `${VAR:?message}` and `${VAR:-default}`, from `vars`; a missing `:?` throws. */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g,
    (_m, name: string, op?: string, arg?: string) => {
      const v = vars[name];
      if (v !== undefined && v !== '') return v;
      if (op === '-') return arg ?? '';
      throw new Error(`${name} is not set${op === '?' ? ` (${arg})` : ''}`);
    },
  );
}

/** The compose file as compose reads it: merge keys (`<<:`) applied. */
export function parseCompose(text: string): { services: Record<string, Service> } {
  return parse(text, { merge: true });
}

export interface Replica {
  name: string;
  /** Its environment after interpolation from the env file. */
  env: Record<string, string>;
  config: Config;
}

/** The Switchyard replicas of a compose file (services named `switchyard-*`) and their configs. */
export function replicasOf(
  compose: { services: Record<string, Service> },
  vars: Record<string, string>,
  configFileText: string,
): Replica[] {
  return Object.entries(compose.services)
    .filter(([name]) => /^switchyard-/.test(name))
    .map(([name, s]) => {
      const env = Object.fromEntries(
        Object.entries((s.environment ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          interpolate(String(v), vars),
        ]),
      );
      return { name, env, config: buildConfig(parse(configFileText), env) };
    });
}

/**
 * What is wrong with one replica's service against the config schema: variables that are not
 * config variables, secrets written into the compose file instead of taken from the env file,
 * a fleet without its shared secrets, no shared store, and a health check not on `/readyz` of
 * the ops listener.
 */
export function replicaProblems(service: Service, replica: Replica): string[] {
  const problems: string[] = [];
  for (const [key, raw] of Object.entries((service.environment ?? {}) as Record<string, unknown>)) {
    const path = ENV_PATHS[key]?.join('.');
    if (path === undefined) problems.push(`${replica.name}: env ${key}: not a config variable`);
    else if (SECRET_PATHS.includes(path) && !String(raw).includes('${'))
      problems.push(`${replica.name}: env ${key}: a secret written in the compose file`);
  }
  if (service.env_file !== undefined) problems.push(`${replica.name}: env_file hides the variable names`);
  problems.push(...fleetSecretProblems(replica.config).map((p) => `${replica.name}: ${p}`));
  if (replica.config.store.url === undefined) problems.push(`${replica.name}: no STORE_URL`);
  if (replica.config.admin.host !== '0.0.0.0') problems.push(`${replica.name}: ops listener unreachable`);
  const check = [service.healthcheck?.test ?? []].flat().join(' ');
  if (!check.includes(`:${replica.config.admin.port}/readyz`))
    problems.push(`${replica.name}: health check is not /readyz on the ops port`);
  return problems;
}
