import type { ServerResponse } from 'node:http';
import type { EngineKind } from '../types.js';
import { isoUtc, newUuid } from '../stamps.js';

export type JsonObject = Record<string, unknown>;

export interface Reply {
  status: number;
  body: JsonObject;
}

/**
 * Writes a JSON reply stamped with the engine's identity (header and body) and the volatile
 * `request_id` and `timestamp` that every backend reply carries.
 */
export function sendJson(res: ServerResponse, kind: EngineKind, reply: Reply): void {
  const payload = JSON.stringify({ ...reply.body, engine: kind, request_id: newUuid(), timestamp: isoUtc() });
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-engine': kind,
  });
  res.end(payload);
}

export function errorReply(status: number, detail: string, errorCode: string): Reply {
  return { status, body: { detail, error_code: errorCode } };
}
