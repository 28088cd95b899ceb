/**
 * One server frame in one form, whatever envelope it came in (docs/design.md, "The three envelopes"):
 * A, the bridge (top-level `run_id`, `agent_name`, `payload.tool_name|status|error_message`);
 * B, the emitter (`data.run_id|thread_id|user_id|tool|status|agent_name`); C, the system frames
 * (`pong`, `system_message`, `connect`, `error_message` with top-level `error_message`).
 * Each field is looked up in every place any envelope puts it, so a variant that mixes envelopes
 * still normalises. Pure and total: never throws on any JSON value.
 */
export interface CanonicalEvent {
  readonly type: string;
  readonly runId: string | null;
  readonly threadId: string | null;
  readonly agent: string | null;
  readonly tool: string | null;
  /** Lower-cased; on a terminal event, the run's outcome (`completed` or `failed`). */
  readonly status: string | null;
  readonly error: string | null;
  readonly userId: string | null;
  /** Arrival time in milliseconds, as the caller's clock gave it. */
  readonly at: number;
}

/** The canonical fields that carry a value (everything but `type` and `at`). */
export type CanonicalField = 'runId' | 'threadId' | 'agent' | 'tool' | 'status' | 'error' | 'userId';
export const CANONICAL_FIELDS: readonly CanonicalField[] = [
  'runId',
  'threadId',
  'agent',
  'tool',
  'status',
  'error',
  'userId',
];

export type Outcome = 'completed' | 'failed';

const TERMINAL_TYPES: ReadonlySet<string> = new Set(['agent_completed', 'agent_error']);

/** `agent_completed` with one of these statuses is the same outcome as `agent_error`. */
const FAILED_STATUSES: ReadonlySet<string> = new Set([
  'failed',
  'failure',
  'error',
  'errored',
  'timeout',
  'timed_out',
  'cancelled',
  'canceled',
]);

const TERMINAL_BYTES: readonly Buffer[] = [...TERMINAL_TYPES].map((t) => Buffer.from(t));
const BACKSLASH = 0x5c;

/**
 * False when a raw frame cannot be a terminal event: no terminal type's name in its bytes and no
 * escape that could spell one. A byte scan, cheaper than the parse it saves.
 */
export function mayBeTerminal(raw: Buffer): boolean {
  return raw.includes(BACKSLASH) || TERMINAL_BYTES.some((t) => raw.includes(t));
}

export function isTerminal(type: string): boolean {
  return TERMINAL_TYPES.has(type);
}

/** The outcome a terminal event announces; null for any other event. */
export function outcomeOf(event: Pick<CanonicalEvent, 'type' | 'status'>): Outcome | null {
  return isTerminal(event.type) ? (event.status === 'failed' ? 'failed' : 'completed') : null;
}

type Obj = Readonly<Record<string, unknown>>;

function obj(value: unknown): Obj | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

const MAX_ERROR_CHARS = 1000;

/** An error may be a string or `{message}`; any other object becomes its JSON. Bounded. */
function errorText(value: unknown): string | null {
  const asObj = obj(value);
  const found =
    asObj === null ? text(value) : (text(asObj['message']) ?? text(asObj['error_message']) ?? json(asObj));
  return found === null ? null : found.slice(0, MAX_ERROR_CHARS);
}

function json(value: Obj): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserialisable error]';
  }
}

/** The first present value of `keys`, looked up in `sources` in order, key by key. */
function pick(sources: readonly Obj[], keys: readonly string[], read = text): string | null {
  for (const key of keys) {
    for (const source of sources) {
      const value = read(source[key]);
      if (value !== null) return value;
    }
  }
  return null;
}

// The key lists as constants: built once, not per frame (the shadow normalises every frame of
// both streams; measured in bench/results/PROFILE.md).
const ERROR_KEYS = ['error_message', 'error', 'error_code'];
const STATUS_KEYS = ['status'];
const RUN_ID_KEYS = ['run_id'];
const THREAD_ID_KEYS = ['thread_id'];
const AGENT_KEYS = ['agent_name', 'agent'];
const TOOL_KEYS = ['tool_name', 'tool'];
const USER_ID_KEYS = ['user_id'];

export function normalise(frame: unknown, at: number): CanonicalEvent | null {
  const top = obj(frame);
  if (top === null) return null;
  const type = top['type'];
  if (typeof type !== 'string' || type.length === 0) return null;
  const sources: Obj[] = [top];
  const payload = obj(top['payload']);
  if (payload !== null) sources.push(payload);
  const data = obj(top['data']);
  if (data !== null) sources.push(data);
  const error = pick(sources, ERROR_KEYS, errorText);
  const rawStatus = pick(sources, STATUS_KEYS)?.toLowerCase() ?? null;
  return {
    type,
    runId: pick(sources, RUN_ID_KEYS),
    threadId: pick(sources, THREAD_ID_KEYS),
    agent: pick(sources, AGENT_KEYS),
    tool: pick(sources, TOOL_KEYS),
    status: isTerminal(type) ? terminalStatus(type, rawStatus, error) : rawStatus,
    error,
    userId: pick(sources, USER_ID_KEYS),
    at,
  };
}

function terminalStatus(type: string, status: string | null, error: string | null): Outcome {
  if (type === 'agent_error') return 'failed';
  if (status !== null) return FAILED_STATUSES.has(status) ? 'failed' : 'completed';
  return error !== null ? 'failed' : 'completed';
}

/** A frame as it came off the socket: parsed once; null when it is not a JSON object frame. */
export function normaliseText(raw: string, at: number): CanonicalEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  return normalise(parsed, at);
}
