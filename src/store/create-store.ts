import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';

/** PostgreSQL when a URL is configured (a fleet), the embedded SQLite file otherwise. */
export function createStore(settings: { readonly url?: string | undefined; readonly path: string }): Store {
  return settings.url === undefined
    ? new SqliteStore(settings.path)
    : new PostgresStore({ url: settings.url });
}
