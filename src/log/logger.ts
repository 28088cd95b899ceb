import { pino, type Logger } from 'pino';

export interface Loggers {
  log: Logger;
  /** The per-request line: the same stream, without redaction (its fields are fixed and hold no secret). */
  requestLog: Logger;
  flush: () => void;
}

/**
 * The one log stream: JSON lines written asynchronously in 12 KiB batches (flushed at least every
 * second and at exit), so that the per-request line costs no synchronous write. Redaction is a
 * second line of defence on every line but the request line, whose fields the proxy chooses
 * (measured: wildcard redaction doubles the cost of a log call).
 */
export function createLoggers(level: string, dest: number | string = 1): Loggers {
  const destination = pino.destination({ dest, sync: false, minLength: 12_288 });
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
  const timer = setInterval(() => destination.flush(), 1000);
  timer.unref();
  return {
    log,
    requestLog,
    flush: () => {
      clearInterval(timer);
      destination.flushSync();
    },
  };
}
