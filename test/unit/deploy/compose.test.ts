import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const deploy = resolve('deploy');
const compose = parse(readFileSync(join(deploy, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { volumes?: string[]; environment?: Record<string, string>; command?: string[] }>;
};

describe('deploy/docker-compose.yml', () => {
  it('mounts only files and folders that exist in the repository', () => {
    const mounts = Object.values(compose.services).flatMap((s) => s.volumes ?? []);
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect(existsSync(resolve(deploy, mount.split(':')[0]!))).toBe(true);
  });

  it('gives the proxy a valid configuration: secrets long enough, engines reachable by service name', () => {
    const env = compose.services.switchyard!.environment!;
    expect(Buffer.byteLength(env.JWT_SECRET!)).toBeGreaterThanOrEqual(32);
    expect(env.ADMIN_TOKEN!.length).toBeGreaterThanOrEqual(32);
    expect(env.TICKET_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(env.LEGACY_ENGINE_URL).toBe('http://engines:8101');
    expect(compose.services.engines!.environment!.JWT_SECRET).toBe(env.JWT_SECRET);
    expect(existsSync(resolve('engines/main.ts'))).toBe(true);
  });

  it('provisions Grafana with the dashboards folder and a Prometheus datasource', () => {
    const providers = parse(
      readFileSync(join(deploy, 'grafana/provisioning/dashboards/switchyard.yml'), 'utf8'),
    );
    expect(providers.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    const grafana = compose.services.grafana!.volumes!;
    expect(grafana).toContain('../dashboards:/var/lib/grafana/dashboards:ro');
    expect(
      readdirSync(resolve('dashboards')).filter((f) => f.endsWith('.json')).length,
    ).toBeGreaterThanOrEqual(3);
    const ds = parse(readFileSync(join(deploy, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
    expect(ds.datasources[0].type).toBe('prometheus');
  });

  it('points Prometheus at the rules folder it mounts', () => {
    const prom = parse(readFileSync(join(deploy, 'prometheus.yml'), 'utf8'));
    expect(prom.rule_files).toEqual(['rules/*.yml']);
    expect(compose.services.prometheus!.volumes).toContain(
      '../config/prometheus/rules:/etc/prometheus/rules:ro',
    );
  });
});
