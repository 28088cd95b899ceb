import type { EngineFaults } from '../types.js';

/**
 * The subprotocol echo of the backend's versions: `jwt-auth` (when offered), nothing, or the
 * exact `jwt.<...>` entry offered. Never something the client did not offer.
 */
export function chooseSubprotocol(
  mode: EngineFaults['echoSubprotocol'],
  offered: Set<string>,
): string | false {
  switch (mode ?? 'jwt-auth') {
    case 'none':
      return false;
    case 'jwt-auth':
      return offered.has('jwt-auth') ? 'jwt-auth' : false;
    case 'exact':
      return [...offered].find((p) => p.startsWith('jwt.')) ?? false;
  }
}
