#!/usr/bin/env node
// The `switchyard` ops CLI. A plain-JS launcher, so that it starts on the system Node (20 and
// later): the CLI itself is the compiled output of `npm run build` (npm ci's prepare step runs it).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write(
    `switchyard: the CLI is not built (no ${compiled.pathname}): run \`npm run build\` in the project folder\n`,
  );
  process.exit(69);
}

const { runCli } = await import(compiled.href);
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
});
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
