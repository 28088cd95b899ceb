import { posix } from 'node:path';
import { parse } from 'yaml';
import { ENV_PATHS, SECRET_PATHS } from '../../src/config/env.js';
import { buildConfig } from '../../src/config/load.js';

/** Paths the ops listener answers for probes (the kubernetes test checks they answer 200). */
export const OPS_PROBE_PATHS = ['/healthz', '/readyz'];

/** The image's working directory: relative config paths resolve against it. */
const WORKDIR = '/app';

/** Rendered manifests are untyped YAML. */
type K8sObject = any;

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; fieldRef?: unknown };
}

/** A value of the right shape for each secret, so the config built from the env must validate. */
function standIn(key: string): string {
  if (key === 'STORE_URL') return 'postgres://switchyard:password@postgres:5432/switchyard';
  return `stand-in-${key.toLowerCase()}-0123456789abcdefghijklmnop`;
}

/** The environment the container would get, secrets and fields replaced by stand-ins. */
export function containerEnv(env: readonly EnvVar[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of env) {
    if (v.value !== undefined) out[v.name] = v.value;
    else if (v.valueFrom?.secretKeyRef !== undefined) out[v.name] = standIn(v.valueFrom.secretKeyRef.key);
    else if (v.valueFrom?.fieldRef !== undefined) out[v.name] = 'switchyard-pod-0';
  }
  return out;
}

/**
 * What is wrong with a rendered deployment against the config schema: unknown variables, a config
 * the env does not validate into, container ports the config does not listen on, probes on paths
 * or ports the ops listener does not serve, secrets given as literals, state outside the volumes.
 */
export function deploymentProblems(objects: readonly K8sObject[], configFileText: string): string[] {
  const problems: string[] = [];
  const deployment = objects.find((o) => o.kind === 'Deployment');
  if (deployment === undefined) return ['no Deployment'];
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env: EnvVar[] = container.env ?? [];
  const envPathOf = (name: string) => ENV_PATHS[name]?.join('.');
  for (const v of env) {
    if (envPathOf(v.name) === undefined) problems.push(`env ${v.name}: not a config variable`);
    const path = envPathOf(v.name);
    if (path !== undefined && SECRET_PATHS.includes(path) && v.valueFrom?.secretKeyRef === undefined) {
      problems.push(`env ${v.name}: a secret, not taken from a Secret`);
    }
  }
  if (container.envFrom !== undefined) problems.push('envFrom hides the variable names from this check');

  let config;
  try {
    config = buildConfig(parse(configFileText), containerEnv(env));
  } catch (err) {
    return [...problems, `config from the env: ${(err as Error).message}`];
  }
  const ports = new Map<string, number>(container.ports.map((p: K8sObject) => [p.name, p.containerPort]));
  for (const [name, port] of ports) {
    if (port !== config.port && port !== config.admin.port)
      problems.push(`containerPort ${name} ${port}: not a listener`);
  }
  if (ports.get('traffic') !== config.port)
    problems.push('no containerPort named traffic on the traffic port');
  if (ports.get('ops') !== config.admin.port) problems.push('no containerPort named ops on the ops port');
  if (config.admin.host !== '0.0.0.0')
    problems.push(`ops listener on ${config.admin.host}: unreachable by probes`);
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = container[kind]?.httpGet;
    if (probe === undefined) continue;
    const port = typeof probe.port === 'string' ? ports.get(probe.port) : probe.port;
    if (port !== config.admin.port) problems.push(`${kind}: not on the ops port`);
    if (!OPS_PROBE_PATHS.includes(probe.path))
      problems.push(`${kind}: ${probe.path} is not served by the ops listener`);
  }
  if (container.livenessProbe?.httpGet?.path !== '/healthz') problems.push('liveness is not /healthz');
  if (container.readinessProbe?.httpGet?.path !== '/readyz') problems.push('readiness is not /readyz');

  const mounts: string[] = (container.volumeMounts ?? []).map((m: K8sObject) => m.mountPath);
  const state = [config.flags.file, config.admin.tokenFile, config.flags.unleash.backupPath];
  const store = (config as { store?: { path?: string } }).store?.path;
  if (store !== undefined) state.push(store);
  for (const file of state) {
    const absolute = posix.resolve(WORKDIR, file);
    if (!mounts.some((m) => absolute.startsWith(`${m}/`))) problems.push(`${file}: not on a writable volume`);
  }
  return problems;
}
