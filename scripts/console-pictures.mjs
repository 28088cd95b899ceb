#!/usr/bin/env node
// Regenerates the console pictures the docs show (docs/console-*.png) on purpose: runs the two
// console system tests that take them, with CONSOLE_PICTURES_DIR pointed at docs/ (a test run
// alone writes them to a temporary folder). Needs Chromium: `bash scripts/system-deps.sh`.
// Usage: node scripts/console-pictures.mjs   (then review and commit the changed pictures)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const tests = ['test/system/console/controls.test.ts', 'test/system/console/divergences.test.ts'];
const run = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '--selectProjects',
    'system',
    '--runInBand',
    '-t',
    'reads at 1280x800|lists recent divergences',
    '--',
    ...tests,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CONSOLE_PICTURES_DIR: join(root, 'docs') } },
);
if (run.status === 0) console.log('docs/console-migration.png and docs/console-divergence.png regenerated');
process.exit(run.status ?? 1);
