#!/usr/bin/env node
// Runs what the Dockerfile runs, without Docker (no engine runs on these machines): each stage in
// a folder of its own standing for /app, COPY from the context or an earlier stage, RUN with the
// stage's ENV, then starts the image's CMD with the image's environment and runs its HEALTHCHECK.
// Only what needs root or a container is left out (chown to the image's user, USER); it says so.
import { execSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const context = resolve(process.argv[2] ?? '.');
const lines = readFileSync(join(context, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const root = mkdtempSync(join(tmpdir(), 'dockerfile-dry-run-'));
const stages = new Map();
let stage = null;
let cmd = null;
let health = null;
const rewrite = (s) => s.replaceAll('/app', stage.dir);
const say = (s) => process.stdout.write(`dockerfile-dry-run: ${s}\n`);

for (const line of lines) {
  const [op, ...rest] = line.split(/\s+/);
  const args = rest.join(' ');
  switch (op.toUpperCase()) {
    case 'FROM': {
      const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.size}`;
      stage = { name, dir: join(root, name), env: {} };
      mkdirSync(stage.dir, { recursive: true });
      stages.set(name, stage);
      say(`stage ${name} (${rest[0]}: using this machine's Node ${process.version})`);
      break;
    }
    case 'WORKDIR':
      if (args !== '/app') throw new Error(`WORKDIR ${args}: only /app is supported`);
      break;
    case 'ENV': {
      const [k, ...v] = args.split('=');
      stage.env[k.trim()] = v.join('=');
      break;
    }
    case 'COPY': {
      const from = /--from=(\S+)/.exec(args)?.[1];
      const parts = args.replace(/--from=\S+\s*/, '').split(/\s+/);
      const dest = parts.pop();
      for (const src of parts) {
        const source = from === undefined ? join(context, src) : src.replace('/app', stages.get(from).dir);
        const target = dest.startsWith('/') ? rewrite(dest) : join(stage.dir, dest);
        const into = dest.endsWith('/') ? join(target, src.split('/').pop()) : target;
        mkdirSync(dest.endsWith('/') ? target : join(into, '..'), { recursive: true });
        cpSync(source, into, { recursive: true });
      }
      break;
    }
    case 'RUN': {
      const command = rewrite(args).replace(/&& chown [^&]*/g, '').replace(/^chown [^&]*(&&)?/, 'true $1');
      say(`RUN ${args}`);
      execSync(command, { cwd: stage.dir, stdio: 'inherit', env: { ...process.env, ...stage.env } });
      break;
    }
    case 'CMD':
      cmd = JSON.parse(args);
      break;
    case 'HEALTHCHECK':
      health = args.replace(/^.*?CMD\s+/, '');
      break;
    case 'USER':
    case 'EXPOSE':
    case 'STOPSIGNAL':
      say(`${op} ${args} (not applicable without a container)`);
      break;
    default:
      throw new Error(`unsupported instruction ${op}`);
  }
}

say(`CMD ${cmd.join(' ')}`);
const secret = 'dry-run-secret-that-is-at-least-32-bytes';
const child = spawn(cmd[0] === 'node' ? process.execPath : cmd[0], cmd.slice(1), {
  cwd: stage.dir,
  env: { PATH: process.env.PATH, ...stage.env, ADMIN_HOST: '127.0.0.1', JWT_SECRET: secret, PORT: '18080' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (c) => (out += c));
const deadline = Date.now() + 20_000;
let healthy = false;
while (Date.now() < deadline && child.exitCode === null) {
  await new Promise((r) => setTimeout(r, 300));
  try {
    execSync(health.replace(/^node/, `"${process.execPath}"`), { stdio: 'ignore' });
    healthy = true;
    break;
  } catch {
    /* not yet */
  }
}
child.kill('SIGTERM');
const code = await new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
rmSync(root, { recursive: true, force: true });
if (!healthy) {
  process.stderr.write(out);
  throw new Error('the image command never passed its HEALTHCHECK');
}
if (code !== 0) throw new Error(`the image command exited ${code} on SIGTERM`);
say('HEALTHCHECK passed and SIGTERM exited 0');
