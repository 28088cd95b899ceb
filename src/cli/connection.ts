import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';

/** Where the admin API is, how to prove who we are, and who is asking (for the audit line). */
export interface Connection {
  /** e.g. `http://127.0.0.1:9901`, no trailing slash. */
  baseUrl: string;
  /** null when none was found anywhere. */
  token: string | null;
  /** Where the token came from, or every place that was looked at; for error messages. */
  tokenFrom: string;
  actor: string;
}

export interface ConnectionInputs {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  admin?: string | undefined;
  token?: string | undefined;
  actor?: string | undefined;
}

export const DEFAULT_ADMIN_HOST = '127.0.0.1';
export const DEFAULT_ADMIN_PORT = 9901;
export const DEFAULT_TOKEN_FILE = '.switchyard/admin-token';

export function adminBaseUrl(inputs: Pick<ConnectionInputs, 'env' | 'admin'>): string {
  if (inputs.admin !== undefined) {
    let url: URL;
    try {
      url = new URL(inputs.admin);
    } catch {
      throw new UsageError(`--admin: not a URL: ${inputs.admin} (e.g. http://127.0.0.1:9901)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--admin: must be an http(s) URL: ${inputs.admin}`);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  }
  const host = nonEmpty(inputs.env['ADMIN_HOST']) ?? DEFAULT_ADMIN_HOST;
  const rawPort = nonEmpty(inputs.env['ADMIN_PORT']) ?? String(DEFAULT_ADMIN_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535)
    throw new UsageError(`ADMIN_PORT: not a port: ${rawPort}`);
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${bracketed}:${port}`;
}

/** `--token`, else `ADMIN_TOKEN`, else the file the proxy writes when it generates one. */
export async function findToken(inputs: ConnectionInputs): Promise<{ token: string | null; from: string }> {
  const flag = nonEmpty(inputs.token);
  if (flag !== undefined) return { token: flag, from: '--token' };
  const env = nonEmpty(inputs.env['ADMIN_TOKEN']);
  if (env !== undefined) return { token: env, from: 'ADMIN_TOKEN' };
  const path = resolve(inputs.cwd, nonEmpty(inputs.env['ADMIN_TOKEN_FILE']) ?? DEFAULT_TOKEN_FILE);
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token !== '') return { token, from: `the token file ${path}` };
    return {
      token: null,
      from: `ADMIN_TOKEN (unset), the token file ${path} (empty) and --token (not given)`,
    };
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return {
      token: null,
      from: `ADMIN_TOKEN (unset), the token file ${path} (${why}) and --token (not given)`,
    };
  }
}

/** `<os user>@<hostname>`, as the audit log records it. */
export function defaultActor(env: ConnectionInputs['env']): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = nonEmpty(env['USER']) ?? nonEmpty(env['LOGNAME']);
  }
  return `${user ?? 'unknown'}@${hostname()}`;
}

export async function resolveConnection(inputs: ConnectionInputs): Promise<Connection> {
  const baseUrl = adminBaseUrl(inputs);
  const { token, from } = await findToken(inputs);
  return { baseUrl, token, tokenFrom: from, actor: nonEmpty(inputs.actor) ?? defaultActor(inputs.env) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
