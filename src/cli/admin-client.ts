import type { Connection } from './connection.js';
import { ApiError, CliError, ConnectError, EXIT, NotOfferedError } from './errors.js';

const TIMEOUT_MS = 10_000;

export interface RequestOptions {
  /** Names the feature when a 404 means "this proxy does not serve the route yet". */
  feature?: string;
}

/** A thin fetch wrapper: bearer token, actor header, JSON both ways, errors the CLI can print. */
export class AdminClient {
  constructor(
    private readonly conn: Connection,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request('GET', path, undefined, options) as Promise<T>;
  }

  /** GET that answers null when this proxy does not serve the route (404), for optional views. */
  async getOptional<T>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request('PUT', path, body) as Promise<T>;
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request('POST', path, body) as Promise<T>;
  }

  delete<T>(path: string): Promise<T> {
    return this.request('DELETE', path) as Promise<T>;
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<unknown> {
    const { baseUrl, token, tokenFrom, actor } = this.conn;
    if (token === null) {
      throw new CliError(`no admin token found: looked at ${tokenFrom}`, EXIT.failure);
    }
    const url = `${baseUrl}${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          'x-switchyard-actor': actor,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new ConnectError(
        `${cannotReach(baseUrl, err, this.timeoutMs)} Check ADMIN_HOST/ADMIN_PORT or --admin.`,
      );
    }
    const json = parseJson(text);
    if (res.ok) {
      if (json === undefined)
        throw new CliError(
          `${method} ${url} did not answer JSON: is ${baseUrl} Switchyard's ops listener?`,
          EXIT.failure,
        );
      return json;
    }
    const { code, message } = errorOf(json, res.status);
    if (res.status === 404 && options.feature !== undefined) {
      throw new NotOfferedError(
        `the proxy at ${baseUrl} does not offer ${options.feature} (${method} ${path} answered 404); it needs a newer Switchyard`,
      );
    }
    throw new ApiError(
      res.status,
      code,
      `admin API: ${message} (HTTP ${res.status} ${code})${hint(res.status, tokenFrom)}`,
    );
  }
}

function cannotReach(baseUrl: string, err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `the admin API at ${baseUrl} did not answer within ${timeoutMs / 1000} s.`;
  const why = e.cause?.code ?? e.cause?.message ?? (err as Error).message;
  if (why === 'bad port')
    return `cannot connect to the admin API at ${baseUrl}: fetch refuses that port (a "bad port" of the Fetch standard), so run the admin API on another one.`;
  return `cannot connect to the admin API at ${baseUrl} (${why}): is the proxy running there?`;
}

function hint(status: number, tokenFrom: string): string {
  if (status === 401)
    return `; the token from ${tokenFrom} was refused: check ADMIN_TOKEN, the token file (ADMIN_TOKEN_FILE) or --token`;
  if (status === 403) return `; the token from ${tokenFrom} is read-only: changes need the admin token`;
  return '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorOf(json: unknown, status: number): { code: string; message: string } {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : `http_${status}`,
    message: typeof error?.message === 'string' ? error.message : `the server answered HTTP ${status}`,
  };
}
