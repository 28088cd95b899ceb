import { pino, type Logger } from 'pino';

/**
 * The one logger. Redaction is a second line of defence: no code logs a token, a cookie or a
 * body on purpose.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'switchyard' },
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
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
