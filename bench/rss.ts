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
