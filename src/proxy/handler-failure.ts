import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { sendJsonError } from './json-error.js';

/**
 * The traffic handler's last resort: a rejection that escaped it (a bug, or a dependency that
 * threw) answers 500, or cuts a response already under way, and is logged once; the process
 * and every other request carry on.
 */
export function handlerFailure(log: Logger) {
  return (res: ServerResponse, err: unknown): void => {
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'request handler failed');
    sendJsonError(res, 500, 'internal', 'the proxy could not handle this request');
  };
}
