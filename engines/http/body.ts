import type { IncomingMessage } from 'node:http';
import type { JsonObject } from './respond.js';

export class BodyTooLarge extends Error {}

/**
 * Reads a request body as text. Past `limit` bytes the rest is drained, not kept, and the read
 * fails with BodyTooLarge, so the client still gets an answer.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}

/** An empty body is `{}`; anything but a JSON object is null. */
export function parseJsonObject(text: string): JsonObject | null {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JsonObject)
      : null;
  } catch {
    return null;
  }
}

export function stringField(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
