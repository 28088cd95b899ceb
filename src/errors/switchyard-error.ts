/** One base class, one handler, stable codes (as Unleash's server does). */
export class SwitchyardError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (message: string) => new SwitchyardError(400, 'bad_request', message);
export const unauthorized = () =>
  new SwitchyardError(401, 'unauthorized', 'a valid admin bearer token is required');
export const forbidden = () =>
  new SwitchyardError(403, 'read_only', 'the read-only token cannot change anything');
export const notFound = (message: string) => new SwitchyardError(404, 'not_found', message);
