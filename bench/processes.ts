import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

/** Starts a node script as a child, pinned to one core when taskset exists, and waits for READY <port>. */
export async function startChild(
  script: string,
  env: Record<string, string>,
  core: number | null,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; port: number; opsPort?: number }> {
  const node = process.execPath;
  const pinned = core !== null && existsSync('/usr/bin/taskset');
  const child = spawn(
    pinned ? '/usr/bin/taskset' : node,
    pinned ? ['-c', String(core), node, ...nodeArgs, script] : [...nodeArgs, script],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let buffer = '';
  const [port, opsPort] = await new Promise<[number, number | undefined]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = /READY (\d+)(?: (\d+))?\n/.exec(buffer);
      if (m) resolve([Number(m[1]), m[2] === undefined ? undefined : Number(m[2])]);
    });
  });
  child.stdout.resume();
  return { child, port, ...(opsPort !== undefined && { opsPort }) };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
