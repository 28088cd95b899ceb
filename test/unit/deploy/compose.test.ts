import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  interpolate,
  parseCompose,
  readEnvFile,
  replicaProblems,
  replicasOf,
  type Replica,
} from '../../support/compose-checks.js';

const deploy = resolve('deploy');
const read = (file: string) => readFileSync(join(deploy, file), 'utf8');
const compose = parseCompose(read('docker-compose.yml'));
const vars = readEnvFile(read('fleet.env'));
const CONFIG_FILE = readFileSync('config/switchyard.yaml', 'utf8');
const services = compose.services;
const envOf = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries((services[name].environment ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      interpolate(String(v), vars),
    ]),
  );
const SHARED = [
  'ADMIN_TOKEN',
  'TICKET_SECRET',
  'ID_HASH_SECRET',
  'JWT_SECRET',
  'STORE_URL',
  'UNLEASH_API_TOKEN',
];

describe('deploy/docker-compose.yml: a fleet of three replicas', () => {
  let replicas: Replica[];
  beforeAll(() => {
    replicas = replicasOf(compose, vars, CONFIG_FILE);
  });

  it('runs three Switchyard replicas whose environment the config schema takes, fleet secrets and all', () => {
    expect(replicas.map((r) => r.name)).toEqual(['switchyard-a', 'switchyard-b', 'switchyard-c']);
    for (const r of replicas) expect(replicaProblems(services[r.name], r)).toEqual([]);
  });

  it('gives every replica the same secrets, from the env file, and the same shared store', () => {
    for (const key of SHARED) {
      const values = new Set(replicas.map((r) => r.env[key]));
      expect({ key, values: values.size }).toEqual({ key, values: 1 });
      expect(replicas[0]!.env[key]).toContain(
        key === 'STORE_URL' ? vars.SWITCHYARD_DB_PASSWORD : (vars[key] ?? ''),
      );
    }
    expect(replicas[0]!.config.store.url).toMatch(
      /^postgres:\/\/switchyard:[^@]+@postgres:5432\/switchyard$/,
    );
    expect(replicas[0]!.config.flags.source).toBe('unleash');
    expect(new Set(replicas.map((r) => r.env.UNLEASH_INSTANCE_ID)).size).toBe(3);
  });

  it('fails loudly without the env file rather than starting replicas with generated secrets', () => {
    expect(() => replicasOf(compose, {}, CONFIG_FILE)).toThrow(
      /JWT_SECRET is not set \(set in deploy\/fleet.env\)/,
    );
  });

  it('catches a replica that misses a fleet secret, writes one in the file, or checks /healthz', () => {
    const r = replicas[0]!;
    const broken = structuredClone(services[r.name]);
    delete broken.environment.ID_HASH_SECRET;
    broken.environment.ADMIN_TOKEN = 'written-in-the-compose-file-0123456789abcdef';
    broken.environment.SWITCHYARD_MODE = 'fast';
    broken.healthcheck.test = ['CMD', 'curl', 'http://127.0.0.1:9901/healthz'];
    const [again] = replicasOf({ services: { [r.name]: broken } }, vars, CONFIG_FILE);
    expect(replicaProblems(broken, again!)).toEqual([
      'switchyard-a: env ADMIN_TOKEN: a secret written in the compose file',
      'switchyard-a: env SWITCHYARD_MODE: not a config variable',
      expect.stringMatching(/^switchyard-a: ID_HASH_SECRET: required with a shared store/),
      'switchyard-a: health check is not /readyz on the ops port',
    ]);
  });

  it('balances over the three replicas on their traffic port, each only while /readyz answers', () => {
    const cfg = read('haproxy.cfg');
    expect(services.loadbalancer.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    for (const r of replicas)
      expect(cfg).toMatch(new RegExp(`^\\s*server ${r.name} ${r.name}:${r.config.port}\\b`, 'm'));
    expect(cfg).toMatch(/^\s*option httpchk GET \/readyz$/m);
    expect(cfg).toMatch(new RegExp(`check port ${replicas[0]!.config.admin.port}\\b`));
    expect(cfg).toMatch(/timeout tunnel/); // WebSocket sessions outlive the HTTP timeouts
    expect(services.loadbalancer.ports).toContain(`8080:${replicas[0]!.config.port}`);
  });

  it('shares one PostgreSQL 15 between Unleash and Switchyard, two databases made by the init script', () => {
    expect(services.postgres.image).toMatch(/^postgres:15\b/);
    const init = read('postgres/init-databases.sh');
    expect(init).toMatch(/CREATE DATABASE unleash OWNER unleash;/);
    expect(init).toMatch(/CREATE DATABASE switchyard OWNER switchyard;/);
    expect(services.postgres.volumes).toContain(
      './postgres/init-databases.sh:/docker-entrypoint-initdb.d/init-databases.sh:ro',
    );
    const unleash = envOf('unleash');
    expect(unleash.DATABASE_URL).toMatch(/@postgres:5432\/unleash$/);
    expect(envOf('postgres').SWITCHYARD_DB_PASSWORD).toBe(vars.SWITCHYARD_DB_PASSWORD);
  });

  it('points the replicas at Unleash with the tokens Unleash is started with', () => {
    const unleash = envOf('unleash');
    const r = replicas[0]!;
    expect(r.config.flags.unleash.url).toBe('http://unleash:4242/api');
    expect(unleash.INIT_ADMIN_API_TOKENS).toBe(r.env.UNLEASH_ADMIN_TOKEN);
    expect(unleash.INIT_BACKEND_API_TOKENS).toBe(r.env.UNLEASH_API_TOKEN);
    expect(envOf('flags-init').UNLEASH_ADMIN_TOKEN).toBe(r.env.UNLEASH_ADMIN_TOKEN);
    expect(r.env.LEGACY_ENGINE_URL).toBe('http://engines:8101');
    expect(envOf('engines').JWT_SECRET).toBe(r.env.JWT_SECRET);
    expect(Buffer.byteLength(r.env.JWT_SECRET!)).toBeGreaterThanOrEqual(32);
    expect(existsSync(resolve('engines/main.ts'))).toBe(true);
  });

  it('mounts only files and folders that exist in the repository', () => {
    const mounts = Object.values(services)
      .flatMap((s: any) => (s.volumes ?? []) as string[])
      .filter((m) => m.startsWith('.'));
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect(existsSync(resolve(deploy, mount.split(':')[0]!))).toBe(true);
  });

  it('scrapes every replica and loads the rules folder it mounts', () => {
    const prom = parse(read('prometheus.yml'));
    expect(prom.rule_files).toEqual(['rules/*.yml']);
    expect(services.prometheus.volumes).toContain('../config/prometheus/rules:/etc/prometheus/rules:ro');
    const targets = prom.scrape_configs[0].static_configs[0].targets;
    expect(targets).toEqual(replicas.map((r) => `${r.name}:${r.config.admin.port}`));
  });

  it('provisions Grafana with the dashboards folder and a Prometheus datasource', () => {
    const providers = parse(read('grafana/provisioning/dashboards/switchyard.yml'));
    expect(providers.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    expect(services.grafana.volumes).toContain('../dashboards:/var/lib/grafana/dashboards:ro');
    expect(
      readdirSync(resolve('dashboards')).filter((f) => f.endsWith('.json')).length,
    ).toBeGreaterThanOrEqual(3);
    const ds = parse(read('grafana/provisioning/datasources/prometheus.yml'));
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
  });
});
