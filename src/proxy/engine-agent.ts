import { Agent } from 'node:http';

/**
 * The node:http keep-alive agent for an engine's ticket requests (ticket-relay.ts; the forwarded
 * traffic has its own undici pool, http-forwarder.ts, and the shadow its own agents). Idle
 * sockets are dropped sooner than the engine drops them (Node's default is 5 s).
 */
export function createEngineAgent(idleSocketMs: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256, timeout: idleSocketMs });
}
