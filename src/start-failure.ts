/** The process's exit codes (README, "Running it"). */
export const EXIT = {
  ok: 0,
  /** A stop that failed or outlasted the hard-stop time. */
  hardStop: 1,
  /** Invalid configuration: nothing was started. */
  config: 2,
  /** A listener could not be opened (port in use, no permission, no such address). */
  listen: 3,
  /** Anything else that failed while starting (flags not readable, token file not writable). */
  start: 4,
} as const;

/** Names the listener whose `listen` failed, for the start-up message. */
export class ListenError extends Error {
  constructor(
    readonly listener: string,
    readonly reason: NodeJS.ErrnoException,
  ) {
    super(`the ${listener} listener cannot listen: ${reason.message}`);
    this.name = 'ListenError';
  }
}

/** A start-up error as a one-line message and the exit code it gets. */
export function startFailure(err: unknown): { message: string; code: number } {
  if (err instanceof ListenError) return { message: err.message, code: EXIT.listen };
  const message = err instanceof Error ? err.message : String(err);
  return { message: message.split('\n')[0] ?? message, code: EXIT.start };
}
