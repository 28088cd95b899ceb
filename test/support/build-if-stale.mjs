// Jest globalSetup for the projects whose tests run compiled code (the CLI's bin, the process
// tests, the console's browser bundle): builds when an output is missing or older than its
// sources, so a source edit never leaves those tests running yesterday's code. A fresh build
// costs a few seconds; an up-to-date one, a walk over the source folders' timestamps.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** tsc rewrites every output of a project at each build: one output's time is the build's. */
const BUILDS = [
  {
    project: 'tsconfig.build.json',
    output: 'dist/src/main.js',
    inputs: ['src', 'engines', 'demo', 'bench', 'tsconfig.json', 'tsconfig.build.json'],
  },
  {
    project: 'console/tsconfig.json',
    output: 'console/dist/main.js',
    inputs: ['console/src', 'console/tsconfig.json'],
  },
];

function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

export default function buildIfStale() {
  for (const build of BUILDS) {
    const built = statSync(join(ROOT, build.output), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const changed = Math.max(...build.inputs.map((input) => newest(join(ROOT, input))));
    if (built >= changed) continue;
    process.stderr.write(
      `\nbuilding ${build.project}: ${build.output} is missing or older than its sources\n`,
    );
    execFileSync(process.execPath, [TSC, '-p', build.project], { cwd: ROOT, stdio: 'inherit' });
  }
}
