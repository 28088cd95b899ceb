import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { ENV_PATHS, SECRET_PATHS } from './env.js';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** The environment to read; main.ts passes process.env. */
  env: Readonly<Record<string, string | undefined>>;
  /** Config file path; defaults to SWITCHYARD_CONFIG or config/switchyard.yaml (missing is fine). */
  file?: string;
}

export async function loadConfig(options: LoadOptions): Promise<Config> {
  const explicit = options.file ?? options.env.SWITCHYARD_CONFIG;
  const path = explicit ?? 'config/switchyard.yaml';
  const raw = await readYaml(path, explicit !== undefined);
  return buildConfig(raw, options.env);
}

/** Overlay the environment on the file's object, validate, and name each problem by its source. */
export function buildConfig(fileObject: unknown, env: Readonly<Record<string, string | undefined>>): Config {
  const merged = structuredClone(isRecord(fileObject) ? fileObject : {});
  const sourceOf = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_PATHS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(merged, path, value);
    sourceOf.set(path.join('.'), name);
  }
  const result = configSchema.safeParse(merged);
  if (result.success) return result.data;
  const envOf = new Map(Object.entries(ENV_PATHS).map(([name, path]) => [path.join('.'), name]));
  const problems = result.error.issues.map((issue) => {
    const dotted = issue.path.map(String).join('.');
    const origin = sourceOf.get(dotted) ?? (dotted || '(config)');
    const missing = issue.code === 'invalid_type' && getPath(merged, issue.path.map(String)) === undefined;
    if (!missing) return `${origin}: ${issue.message}`;
    const env = envOf.get(dotted);
    return `${env === undefined ? dotted : `${env} (${dotted})`}: required`;
  });
  throw new ConfigError(problems);
}

/** The config as it may be logged: secrets replaced by `***`. */
export function maskSecrets(config: Config): unknown {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  for (const dotted of SECRET_PATHS) {
    const path = dotted.split('.');
    const parent = getPath(copy, path.slice(0, -1));
    const key = path[path.length - 1];
    if (isRecord(parent) && key !== undefined && parent[key] !== undefined) parent[key] = '***';
  }
  return copy;
}

async function readYaml(path: string, mustExist: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (!mustExist && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError([`${path}: not valid YAML (${(err as Error).message.split('\n')[0]})`]);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (!isRecord(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
  node[path[path.length - 1]!] = value;
}

function getPath(target: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), target);
}
