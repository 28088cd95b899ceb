import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UnleashStrategy } from '../../../src/flags/unleash/strategies.js';

interface FakeFeature {
  name: string;
  type: string;
  project: string;
  envs: Record<string, { enabled: boolean; strategies: Array<UnleashStrategy & { id: string }> }>;
}

export const CLIENT_TOKEN = 'default:development.fake-client-token';
export const ADMIN_TOKEN = '*:*.fake-admin-token';

/**
 * A real HTTP server speaking the slice of Unleash 8's API that Switchyard uses: the client
 * features (with ETag) and the admin calls on a project's flags (project `default`, environments
 * `development` and `production`). Its store is plain data a test may read and edit; `stop` and
 * `restart` (same port) make it unreachable and back.
 */
export class FakeUnleash {
  readonly features = new Map<string, FakeFeature>();
  clientPolls = 0;
  /** The client token it accepts (a test may change it to see a 401). */
  acceptedClientToken = CLIENT_TOKEN;
  private revision = 1;
  private server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await this.start(this.port);
  }

  /** Puts a flag in place directly (as a person in the Unleash UI would). */
  put(name: string, enabled: boolean, strategies: UnleashStrategy[], type = 'release'): void {
    const withIds = strategies.map((s) => ({ ...s, id: s.id ?? randomUUID() }));
    const feature = this.features.get(name) ?? { name, type, project: 'default', envs: {} };
    feature.envs.development = { enabled, strategies: withIds };
    feature.envs.production ??= { enabled: false, strategies: [] };
    this.features.set(name, feature);
    this.revision++;
  }

  env(name: string) {
    return this.features.get(name)?.envs.development;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = await readJson(req);
    const auth = req.headers.authorization;
    if (path === '/api/client/features' && req.method === 'GET') {
      if (auth !== this.acceptedClientToken && auth !== ADMIN_TOKEN)
        return send(res, 401, { message: 'unauthorized' });
      this.clientPolls++;
      const etag = `"rev-${this.revision}"`;
      if (req.headers['if-none-match'] === etag) return send(res, 304, null, { etag });
      return send(res, 200, { version: 2, features: this.clientFeatures() }, { etag });
    }
    if (auth !== ADMIN_TOKEN) return send(res, 401, { message: 'unauthorized' });
    const m =
      /^\/api\/admin\/projects\/default\/features(?:\/([^/]+)(?:\/environments\/([^/]+)(?:\/(strategies|on|off)(?:\/([^/]+))?)?)?)?$/.exec(
        path,
      );
    if (m === null) return send(res, 404, { message: 'no such route' });
    const [, name, envName, action, id] = m;
    if (name === undefined) {
      const wanted = (body as { name: string; type: string }).name;
      if (this.features.has(wanted))
        return send(res, 409, { name: 'NameExistsError', message: 'A flag with that name already exists' });
      this.features.set(wanted, {
        name: wanted,
        type: (body as { type: string }).type,
        project: 'default',
        envs: {
          development: { enabled: false, strategies: [] },
          production: { enabled: false, strategies: [] },
        },
      });
      this.revision++;
      return send(res, 201, { name: wanted });
    }
    const feature = this.features.get(decodeURIComponent(name));
    if (feature === undefined) return send(res, 404, { message: 'no such flag' });
    if (envName === undefined && req.method === 'GET') {
      const environments = Object.entries(feature.envs).map(([n, e]) => ({ name: n, ...e }));
      return send(res, 200, { name: feature.name, project: feature.project, environments });
    }
    const env = feature.envs[envName ?? ''];
    if (env === undefined) return send(res, 404, { message: 'no such environment' });
    this.revision++;
    if (action === 'on' || action === 'off') {
      if (action === 'on' && env.strategies.length === 0)
        env.strategies.push({ ...defaultStrategy(feature.name), id: randomUUID() });
      env.enabled = action === 'on';
      return send(res, 200, {});
    }
    const strategy = body as UnleashStrategy;
    if (req.method === 'POST') {
      const created = { ...strategy, id: randomUUID() };
      env.strategies.push(created);
      return send(res, 200, created);
    }
    const index = env.strategies.findIndex((s) => s.id === id);
    if (index < 0) return send(res, 404, { message: 'no such strategy' });
    if (req.method === 'DELETE') env.strategies.splice(index, 1);
    else env.strategies[index] = { ...strategy, id: id! };
    return send(res, 200, {});
  }

  private clientFeatures() {
    return [...this.features.values()].map((f) => ({
      name: f.name,
      type: f.type,
      enabled: f.envs.development?.enabled ?? false,
      strategies: (f.envs.development?.strategies ?? []).map(({ id: _id, title: _t, ...s }) => s),
      variants: [],
    }));
  }
}

function defaultStrategy(name: string): UnleashStrategy {
  return {
    name: 'flexibleRollout',
    parameters: { rollout: '100', stickiness: 'default', groupId: name },
    constraints: [],
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? null : JSON.parse(text);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === null ? undefined : JSON.stringify(body));
}
