import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { createOpsApp } from '../../src/admin/ops-app.js';
import { OPS_PROBE_PATHS, deploymentProblems } from '../support/kubernetes-checks.js';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!hasKubectl) {
  process.stderr.write('kubernetes.test.ts: kubectl not found: the kustomize renderings are NOT checked\n');
}
const withKubectl = hasKubectl ? describe : describe.skip;

const render = (dir: string): any[] =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS());
const CONFIG_FILE = readFileSync('config/switchyard.yaml', 'utf8');
const one = (objects: any[], kind: string, name?: string) =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const containerOf = (objects: any[]) => one(objects, 'Deployment').spec.template.spec.containers[0];
const envOf = (objects: any[], name: string) => containerOf(objects).env.find((e: any) => e.name === name);

describe('deploy/kubernetes generated files', () => {
  it('are what npm run k8s:generate writes from config/prometheus/rules and dashboards/', () => {
    const check = spawnSync('node', ['scripts/kubernetes/generate.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('the probe paths', () => {
  it('answer 200 on the ops listener', async () => {
    const app = createOpsApp({
      registry: new Registry(),
      admin: express.Router(),
      notReadyReason: () => null,
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const path of OPS_PROBE_PATHS) {
        expect((await fetch(`http://127.0.0.1:${port}${path}`)).status).toBe(200);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

withKubectl('kubectl kustomize deploy/kubernetes', () => {
  const base = render('deploy/kubernetes/base');
  const fleet = render('deploy/kubernetes/overlays/fleet');

  it.each([
    ['base', base],
    ['overlays/fleet', fleet],
  ])('%s: every port, probe and variable matches the config schema', (_name, objects) => {
    expect(deploymentProblems(objects, CONFIG_FILE)).toEqual([]);
  });

  it('finds the problems in a deployment that does not match the schema', () => {
    const broken = structuredClone(base);
    const container = containerOf(broken);
    container.env.push({ name: 'NOT_A_SWITCHYARD_VARIABLE', value: '1' });
    container.env.push({ name: 'JWT_ISSUER', value: 'issuer' });
    container.env = container.env.map((e: any) =>
      e.name === 'ADMIN_TOKEN' ? { name: e.name, value: 'a-literal-admin-token-0123456789abcdef' } : e,
    );
    container.ports[1].containerPort = 9999;
    container.readinessProbe.httpGet.path = '/ready';
    container.volumeMounts = container.volumeMounts.filter((m: any) => m.mountPath !== '/app/.switchyard');
    expect(deploymentProblems(broken, CONFIG_FILE)).toEqual(
      expect.arrayContaining([
        'env NOT_A_SWITCHYARD_VARIABLE: not a config variable',
        'env ADMIN_TOKEN: a secret, not taken from a Secret',
        'containerPort ops 9999: not a listener',
        'readinessProbe: /ready is not served by the ops listener',
        '/app/.switchyard/flags.json: not on a writable volume',
      ]),
    );
    const badValue = structuredClone(base);
    containerOf(badValue).env.push({ name: 'ADMIN_PORT', value: 'not-a-port' });
    expect(deploymentProblems(badValue, CONFIG_FILE)).toEqual([
      expect.stringMatching(/^config from the env: .*ADMIN_PORT/s),
    ]);
  });

  it('carries the rules and the dashboards exactly as their sources', () => {
    for (const objects of [base, fleet]) {
      const rules = objects.filter((o) => o.kind === 'PrometheusRule');
      const sources = readdirSync('config/prometheus/rules').filter((f) => f.endsWith('.yml'));
      expect(rules).toHaveLength(sources.length);
      for (const file of sources) {
        const rule = one(objects, 'PrometheusRule', file.replace(/\.yml$/, ''));
        // Every string (expr, for, labels, annotations) equal to the source's, nothing more or less.
        expect(rule.spec).toStrictEqual(parse(readFileSync(`config/prometheus/rules/${file}`, 'utf8')));
      }
      const dashboards = readdirSync('dashboards').filter((f) => f.endsWith('.json'));
      const maps = objects.filter(
        (o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1',
      );
      expect(maps).toHaveLength(dashboards.length);
      for (const file of dashboards) {
        const map = maps.find((m) => Object.keys(m.data).includes(file));
        expect(map?.data[file] === readFileSync(`dashboards/${file}`, 'utf8')).toBe(true);
      }
    }
  });

  it('keeps the ops port inside the cluster and behind the NetworkPolicy', () => {
    for (const objects of [base, fleet]) {
      const services = objects.filter((o) => o.kind === 'Service');
      expect(services.map((s) => s.metadata.name).sort()).toEqual(['switchyard', 'switchyard-ops']);
      for (const s of services) expect(s.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      const ops = one(objects, 'Service', 'switchyard-ops');
      expect(ops.spec.ports).toEqual([expect.objectContaining({ name: 'ops', targetPort: 'ops' })]);
      expect(one(objects, 'Service', 'switchyard').spec.ports.map((p: any) => p.targetPort)).toEqual([
        'traffic',
      ]);
      const monitor = one(objects, 'ServiceMonitor');
      expect(ops.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
      expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'ops', path: '/metrics' })]);

      const policy = one(objects, 'NetworkPolicy');
      const podLabels = one(objects, 'Deployment').spec.template.metadata.labels;
      expect(podLabels).toMatchObject(policy.spec.podSelector.matchLabels);
      const opsRules = policy.spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === 'ops'));
      expect(opsRules.length).toBeGreaterThan(0);
      for (const rule of opsRules) expect(rule.from?.length).toBeGreaterThan(0);
      const pdb = one(objects, 'PodDisruptionBudget');
      expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
    }
  });

  it('outlasts the proxy stop in terminationGracePeriodSeconds and takes secrets from the Secret', () => {
    const hardStopMs = Number(
      /HARD_STOP_MS = ([\d_]+)/.exec(readFileSync('src/main.ts', 'utf8'))![1]!.replaceAll('_', ''),
    );
    for (const objects of [base, fleet]) {
      const pod = one(objects, 'Deployment').spec.template.spec;
      const preStop = pod.containers[0].lifecycle.preStop.exec.command;
      expect(preStop[0]).toBe('sleep');
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
        Number(preStop[1]) * 1000 + hardStopMs,
      );
      const refs = pod.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef !== undefined);
      expect(new Set(refs.map((e: any) => e.valueFrom.secretKeyRef.name))).toEqual(
        new Set(['switchyard-secrets']),
      );
      expect(pod.containers[0].resources.requests).toEqual({
        cpu: expect.any(String),
        memory: expect.any(String),
      });
    }
  });

  it('runs the fleet: three replicas on Unleash and PostgreSQL with the shared secrets required', () => {
    expect(one(fleet, 'Deployment').spec.replicas).toBe(3);
    expect(one(base, 'Deployment').spec.replicas).toBe(1);
    expect(envOf(fleet, 'FLAG_SOURCE').value).toBe('unleash');
    expect(envOf(base, 'FLAG_SOURCE').value).toBe('file');
    expect(envOf(fleet, 'STORE_URL').valueFrom.secretKeyRef.key).toBe('STORE_URL');
    for (const name of [
      'TICKET_SECRET',
      'ID_HASH_SECRET',
      'UNLEASH_API_TOKEN',
      'JWT_SECRET',
      'ADMIN_TOKEN',
    ]) {
      expect(envOf(fleet, name).valueFrom.secretKeyRef.optional ?? false).toBe(false);
    }
  });
});
