import { pino, type Logger } from 'pino';

/**
 * The one logger: JSON lines on stdout, written asynchronously in 4 KiB batches (flushed at least
 * every second and at exit) so that the per-request line costs no synchronous write. Redaction is
 * a second line of defence: no code logs a token, a cookie or a body on purpose.
 */
export function createLogger(level: string): { log: Logger; flush: () => void } {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const log = pino(
    {
      level,
      base: { service: 'switchyard' },
      redact: {
        paths: ['*.authorization', '*.cookie', '*.token', 'headers.authorization', 'headers.cookie', '*.adminToken'],
        censor: '***',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  const timer = setInterval(() => destination.flush(), 1000);
  timer.unref();
  return {
    log,
    flush: () => {
      clearInterval(timer);
      destination.flushSync();
    },
  };
}
