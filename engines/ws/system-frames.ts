import type { EngineKind } from '../types.js';
import { epochSeconds, newUuid } from '../stamps.js';

/** Envelope C of docs/design.md ("The three envelopes"): `{type, data, timestamp:<epoch float>, server_id, correlation_id}`. */
export function systemFrame(
  type: string,
  data: Record<string, unknown>,
  serverId: string,
): Record<string, unknown> {
  return { type, data, timestamp: epochSeconds(), server_id: serverId, correlation_id: newUuid() };
}

export function welcomeFrame(userId: string, kind: EngineKind, connectionId: string, serverId: string) {
  return systemFrame(
    'system_message',
    {
      event: 'connection_established',
      connection_ready: true,
      user_id: userId,
      connection_id: connectionId,
      engine: kind,
    },
    serverId,
  );
}

export function pongFrame(serverId: string, clientTimestamp: unknown) {
  return systemFrame('pong', { client_timestamp: clientTimestamp ?? null }, serverId);
}

export function heartbeatFrame(serverId: string) {
  return systemFrame('heartbeat', { event: 'heartbeat' }, serverId);
}

export function errorFrame(code: string, message: string, serverId: string): Record<string, unknown> {
  return {
    type: 'error_message',
    error_code: code,
    error_message: message,
    details: {},
    recovery_suggestions: [],
    timestamp: epochSeconds(),
    server_id: serverId,
    correlation_id: newUuid(),
  };
}

export function ackFrame(receivedType: string) {
  return { type: 'ack', received_type: receivedType, status: 'acknowledged' };
}
