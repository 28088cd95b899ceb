import { createRequire } from 'node:module';
import type { Client as ClientType, Pool as PoolType } from 'undici';

// undici's pool and client alone, not its index (fetch, WebSocket, caches): 12 MiB less RSS
// (`require('undici')` +28 MiB, these two +16). A path inside the package, so its version is pinned.
const require = createRequire(import.meta.url);

/** undici's connection pool to one origin: the forwarder's and the HTTP shadow's. */
export const Pool = require('undici/lib/dispatcher/pool.js') as typeof PoolType;
/** One connection to one origin: the forwarder's retry. */
export const Client = require('undici/lib/dispatcher/client.js') as typeof ClientType;
