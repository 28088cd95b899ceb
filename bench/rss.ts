import { readFileSync } from 'node:fs';

/** Samples a process's resident set from /proc every `everyMs`: idle (first), peak, end. */
export class RssSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 500,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kib > 0) this.samples.push(Math.round(kib / 102.4) / 10);
    } catch {
      // no /proc (not Linux) or the process has exited: no sample
    }
  }

  stop(): { idleMiB: number; peakMiB: number; endMiB: number } {
    this.sample();
    clearInterval(this.timer);
    return {
      idleMiB: this.samples[0] ?? 0,
      peakMiB: Math.max(0, ...this.samples),
      endMiB: this.samples.at(-1) ?? 0,
    };
  }
}

/** CPU time (user + system) a process has used, in ms, from /proc; 0 where there is none. */
export function cpuMillis(pid: number): number {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
  } catch {
    return 0;
  }
}
