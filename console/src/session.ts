import { Api, ApiError } from './api.js';
import type { StateView } from './api-types.js';

/** Session storage only: gone when the tab closes, never sent anywhere but the admin API. */
const KEY = 'switchyard.console.token';

export type Role = 'admin' | 'read';

export interface Session {
  api: Api;
  role: Role;
  state: StateView;
}

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // storage refused (private mode quota): the session lasts as long as the page
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}

/**
 * `#token=...` (what `switchyard console` prints), taken out of the address bar at once so it
 * stays out of the history, of screenshots and of anything copied from the address bar.
 */
export function takeFragmentToken(): string | null {
  if (location.hash.length < 2) return null;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token === null) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return token.trim() === '' ? null : token.trim();
}

/** Signs in: the token must read the state; then finds out whether it may change anything. */
export async function signIn(token: string): Promise<Session> {
  const api = new Api(token);
  const state = await api.get<StateView>('/admin/state');
  return { api, role: await roleOf(api), state };
}

/**
 * The admin API has no "who am I": a change with an empty body tells. The read-only token is
 * refused (403) before the body is read; the admin token gets the validation error (400).
 * Nothing changes and no audit line is written either way.
 */
async function roleOf(api: Api): Promise<Role> {
  try {
    await api.send('PUT', '/admin/rollout', {});
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return 'read';
  }
  return 'admin';
}
