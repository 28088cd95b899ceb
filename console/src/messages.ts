import { ApiError } from './api.js';

/** An API failure in words a person understands, with what to do about it. */
export function explain(err: unknown, doing: string): string {
  if (!(err instanceof ApiError)) return `Could not ${doing}: something went wrong in the console.`;
  switch (err.status) {
    case 0:
      return `Could not ${doing}: the proxy did not answer. Is it running? The console keeps trying.`;
    case 400:
      return `Could not ${doing}: the proxy refused the input (${err.message}).`;
    case 401:
      return 'The admin token was not accepted. Check it and sign in again.';
    case 403:
      return `Could not ${doing}: this token is read-only. Changes need the admin token.`;
    case 404:
      return `Could not ${doing}: this proxy does not offer that yet.`;
    case 409:
      return `Could not ${doing}: it conflicts with the current state (${err.message}).`;
    default:
      return err.status >= 500
        ? `Could not ${doing}: the proxy failed to complete it. Check the state shown and try again.`
        : `Could not ${doing}: the proxy answered ${err.status} (${err.message}).`;
  }
}
