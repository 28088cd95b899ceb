/** Exit codes (sysexits.h where one fits): scripts branch on these, so they are stable. */
export const EXIT = {
  ok: 0,
  /** The admin API refused the call (HTTP 4xx/5xx), or the token is missing. */
  failure: 1,
  /** The command line is wrong (EX_USAGE). */
  usage: 64,
  /** The admin API cannot be reached, or does not offer what was asked (EX_UNAVAILABLE). */
  unavailable: 69,
} as const;

/** One base class: a message for a person on stderr, and the exit code for a script. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** The admin API answered with an error (`{error: {code, message}}`). */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message, EXIT.failure);
  }
}

/** Nothing answered at the address, or it did not answer in time. */
export class ConnectError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unavailable);
  }
}

/** The proxy answered, but this build of it does not serve the endpoint (404 on the route). */
export class NotOfferedError extends CliError {
  constructor(message: string) {
    super(message, EXIT.unavailable);
  }
}
