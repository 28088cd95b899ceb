import { pino, type Logger } from 'pino';
import sonicBoom from 'sonic-boom';

// A CommonJS module: its class is a property of the default export.
const { SonicBoom } = sonicBoom;

export interface Loggers {
  log: Logger;
  /** The per-request line: the same stream, without redaction (its fields are fixed and hold no secret). */
  requestLog: Logger;
  /** Writes what is buffered, waiting at most `withinMs`: a stdout nobody reads never holds up an exit. */
  flush: (withinMs: number) => Promise<void>;
}

/** Log bytes held in memory at most; past that, lines are dropped (and counted) rather than held. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * The one log stream: JSON lines written asynchronously in 12 KiB batches (flushed at least every
 * second), so that the per-request line costs no synchronous write. No write is ever synchronous,
 * not even at exit (pino.destination's exit hook flushes synchronously: on a pipe nobody reads,
 * that never returns, nor does the process). Redaction is a second line of defence on every line
 * but the request line, whose fields the proxy chooses (measured: wildcard redaction doubles the
 * cost of a log call).
 */
export function createLoggers(level: string, dest: number | string = 1): Loggers {
  // Opening process.stdout makes a pipe on fd 1 non-blocking: a full pipe then answers EAGAIN
  // (retried later) instead of parking a libuv thread in write(2), which would block exit too.
  if (dest === 1) void process.stdout;
  const destination = new SonicBoom({
    dest,
    sync: false,
    minLength: 12_288,
    maxLength: MAX_BUFFERED_BYTES,
  });
  let dropped = 0;
  destination.on('drop', () => dropped++);
  destination.on('error', () => undefined); // a closed stdout: nothing to tell, nowhere to tell it
  const common = { level, base: { service: 'switchyard' }, timestamp: pino.stdTimeFunctions.isoTime };
  const log = pino(
    {
      ...common,
      redact: {
        paths: [
          '*.authorization',
          '*.cookie',
          '*.token',
          'headers.authorization',
          'headers.cookie',
          '*.adminToken',
        ],
        censor: '***',
      },
    },
    destination,
  );
  const requestLog = pino(common, destination).child({ part: 'request' });
  const timer = setInterval(() => {
    if (dropped > 0) {
      log.warn({ dropped }, 'log lines dropped: the log stream is not being read');
      dropped = 0;
    }
    destination.flush();
  }, 1000);
  timer.unref();
  return {
    log,
    requestLog,
    flush: (withinMs) =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        const bound = setTimeout(resolve, withinMs);
        bound.unref();
        // After the immediates already queued: the request lines of this turn (request-line.ts).
        setImmediate(() =>
          destination.flush(() => {
            clearTimeout(bound);
            resolve();
          }),
        );
      }),
  };
}
