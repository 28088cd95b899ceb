import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (ns) the threads of a process have run, summed from /proc/<pid>/task/<tid>/schedstat.
 * /proc/<pid>/stat counts 10 ms ticks, too coarse for a 3% difference over a few seconds. A
 * thread that exits between two readings takes its time with it (Node's threads live as long as
 * the process). NaN where there is no /proc.
 */
export function cpuNanos(pid: number): number {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread exited between the listing and the read
      }
    }
    return total;
  } catch {
    return NaN;
  }
}
