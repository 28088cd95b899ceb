import type { RunRequest } from '../runs/runner.js';

type JsonObject = Record<string, unknown>;

/** A client frame: `{type, payload, ...}`; without `payload` the whole object is the payload. */
export interface ClientFrame {
  /** The type as sent. */
  receivedType: string;
  /** The type after aliases: `chat_message`/`user`/`message` -> `user_message`, `execute_agent` -> `start_agent`. */
  type: string;
  payload: JsonObject;
  frame: JsonObject;
}

const ALIASES: Record<string, string> = {
  chat_message: 'user_message',
  user: 'user_message',
  message: 'user_message',
  execute_agent: 'start_agent',
};

const DEFAULT_AGENT = 'DataAgent';

/** null for anything but a JSON object with a string `type`. */
export function parseClientFrame(text: string): ClientFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value['type'] !== 'string') return null;
  const receivedType = value['type'];
  const payload = isObject(value['payload']) ? value['payload'] : value;
  return { receivedType, type: ALIASES[receivedType] ?? receivedType, payload, frame: value };
}

/** What a `user_message` or `start_agent` asks for; the web client may send `content` for `text`. */
export function runRequestFrom({ payload, frame }: ClientFrame): RunRequest {
  return {
    prompt: firstString(payload, ['text', 'content', 'user_request', 'message', 'query']) ?? '',
    threadId: firstString(payload, ['thread_id']) ?? firstString(frame, ['thread_id']),
    agentName: firstString(payload, ['agent_name']) ?? DEFAULT_AGENT,
  };
}

function firstString(source: JsonObject, names: string[]): string | undefined {
  for (const name of names) {
    const value = source[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
