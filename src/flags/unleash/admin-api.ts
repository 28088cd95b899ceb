import { UnleashRefusedError, UnleashUnavailableError } from './errors.js';
import type { UnleashFeature, UnleashStrategy } from './strategies.js';

export interface AdminApiOptions {
  /** The API address (`http://host:4242/api`); the admin API is `<url>/admin`. */
  url: string;
  token: string;
  project: string;
  environment: string;
  timeoutMs?: number;
}

interface AdminFeature {
  name: string;
  project: string;
  environments?: Array<{ name: string; enabled: boolean; strategies?: UnleashStrategy[] }>;
  dependencies?: unknown[];
}

/**
 * The few calls of Unleash's admin API that Switchyard makes, scoped to one project and one
 * environment. Errors: `UnleashUnavailableError` when Unleash did not answer, `UnleashRefusedError`
 * (with Unleash's own message) when it answered no. The token is sent, never logged or thrown.
 */
export class UnleashAdminApi {
  readonly project: string;
  readonly environment: string;
  private readonly base: string;

  constructor(private readonly options: AdminApiOptions) {
    this.project = options.project;
    this.environment = options.environment;
    this.base = `${options.url}/admin/projects/${encodeURIComponent(options.project)}/features`;
  }

  /** The flag as this environment sees it (strategies with their ids), or null if it does not exist. */
  async feature(name: string): Promise<(UnleashFeature & { strategies: UnleashStrategy[] }) | null> {
    const res = await this.call('GET', `/${encodeURIComponent(name)}`, undefined, [404]);
    if (res === null) return null;
    const feature = res as AdminFeature;
    const env = feature.environments?.find((e) => e.name === this.environment);
    if (env === undefined) {
      throw new UnleashRefusedError(`flag ${name} has no environment ${this.environment} in Unleash`);
    }
    return {
      name,
      enabled: env.enabled,
      strategies: env.strategies ?? [],
      ...(feature.dependencies !== undefined && { dependencies: feature.dependencies }),
    };
  }

  /** Creates the flag in the project; false if a flag of that name already exists (in any project). */
  async createFeature(name: string, type: string, description: string): Promise<boolean> {
    const res = await this.call('POST', '', { name, type, description, impressionData: false }, [409]);
    return res !== null;
  }

  async addStrategy(flag: string, strategy: UnleashStrategy): Promise<UnleashStrategy> {
    return (await this.call('POST', this.strategies(flag), body(strategy))) as UnleashStrategy;
  }

  async updateStrategy(flag: string, id: string, strategy: UnleashStrategy): Promise<void> {
    await this.call('PUT', `${this.strategies(flag)}/${encodeURIComponent(id)}`, body(strategy));
  }

  async deleteStrategy(flag: string, id: string): Promise<void> {
    await this.call('DELETE', `${this.strategies(flag)}/${encodeURIComponent(id)}`);
  }

  /** Enables or disables the flag in the environment (Unleash's "on"/"off"). */
  async setEnabled(flag: string, enabled: boolean): Promise<void> {
    const env = encodeURIComponent(this.environment);
    await this.call('POST', `/${encodeURIComponent(flag)}/environments/${env}/${enabled ? 'on' : 'off'}`);
  }

  private strategies(flag: string): string {
    return `/${encodeURIComponent(flag)}/environments/${encodeURIComponent(this.environment)}/strategies`;
  }

  /** One request; a status in `absent` answers null instead of throwing. */
  private async call(
    method: string,
    path: string,
    payload?: unknown,
    absent: number[] = [],
  ): Promise<unknown> {
    const what = `${method} ${path === '' ? 'features' : path}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: this.options.token,
          accept: 'application/json',
          ...(payload !== undefined && { 'content-type': 'application/json' }),
        },
        ...(payload !== undefined && { body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
    } catch (err) {
      const { cause } = err as { cause?: { code?: string; message?: string } };
      const why = cause?.code ?? cause?.message ?? (err as Error).name;
      throw new UnleashUnavailableError(`Unleash did not answer ${what} (${why})`);
    }
    const text = await res.text().catch(() => '');
    if (absent.includes(res.status)) return null;
    if (res.status >= 500) throw new UnleashUnavailableError(`Unleash answered ${what} with ${res.status}`);
    if (!res.ok) {
      throw new UnleashRefusedError(
        `Unleash refused ${what}: ${res.status} ${unleashMessage(text)}`,
        res.status,
      );
    }
    return text === '' ? {} : (JSON.parse(text) as unknown);
  }
}

/** What Unleash accepts in a strategy body: no id, no sort order. */
function body(s: UnleashStrategy): Record<string, unknown> {
  return {
    name: s.name,
    parameters: s.parameters ?? {},
    constraints: s.constraints ?? [],
    variants: s.variants ?? [],
    segments: s.segments ?? [],
    ...(s.title !== undefined && s.title !== null && { title: s.title }),
    ...(s.disabled !== undefined && s.disabled !== null && { disabled: s.disabled }),
  };
}

function unleashMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; details?: Array<{ message?: unknown }> };
    const said = [parsed.details?.[0]?.message, parsed.message].find((m) => typeof m === 'string');
    return (typeof said === 'string' ? said : text).slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}
