import { compileIgnore, diffJson } from './json-diff.js';

/**
 * Fields that differ on every call (docs/design.md, "HTTP routes"), at any depth, and
 * the top-level `engine` the reference engines stamp with their identity. A server-created
 * thread's `id` (`POST /api/threads`) is not here: add `id` to that route's `ignorePaths`.
 */
export const DEFAULT_HTTP_IGNORE: readonly string[] = [
  '**.run_id',
  '**.thread_id',
  '**.created_at',
  '**.execution_time',
  '**.timestamp',
  '**.request_id',
  'engine',
];

export interface HttpResponseSample {
  readonly status: number;
  readonly body: string | Uint8Array;
  readonly contentType?: string | null;
}

export interface HttpDiffOptions {
  /** Replaces DEFAULT_HTTP_IGNORE. Patterns: dot paths, `*` one segment, `**` any depth. */
  readonly ignore?: readonly string[];
  /** Added to `ignore`, e.g. per route. */
  readonly ignorePaths?: readonly string[];
}

export type HttpMismatchKind = 'status' | 'field';

export interface HttpDiff {
  readonly result: 'match' | 'mismatch';
  readonly kinds: readonly HttpMismatchKind[];
  /** Differing JSON paths (`$` for the whole body), `content-type`, or `body` for non-JSON bodies. At most 50. */
  readonly fields: readonly string[];
}

/**
 * Compares a control response with the candidate's: the status code, the media type, and the
 * body: as JSON, field by field minus the ignored paths, when both are JSON (a JSON media type,
 * or none and a body that parses); else byte for byte.
 */
export function diffHttp(
  control: HttpResponseSample,
  candidate: HttpResponseSample,
  options: HttpDiffOptions = {},
): HttpDiff {
  const kinds: HttpMismatchKind[] = control.status === candidate.status ? [] : ['status'];
  const fields: string[] = [];
  const typeA = mediaType(control.contentType);
  const typeB = mediaType(candidate.contentType);
  if (typeA !== typeB) fields.push('content-type');
  const jsonA = maybeJson(typeA) ? parse(control.body) : NOT_JSON;
  const jsonB = maybeJson(typeB) ? parse(candidate.body) : NOT_JSON;
  if (jsonA !== NOT_JSON && jsonB !== NOT_JSON) {
    const ignore = compileIgnore([
      ...(options.ignore ?? DEFAULT_HTTP_IGNORE),
      ...(options.ignorePaths ?? []),
    ]);
    fields.push(...diffJson(jsonA, jsonB, ignore));
  } else if (!sameBytes(control.body, candidate.body)) fields.push('body');
  if (fields.length > 0) kinds.push('field');
  return { result: kinds.length > 0 ? 'mismatch' : 'match', kinds, fields: fields.slice(0, 50) };
}

const NOT_JSON = Symbol('not-json');

function parse(body: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
  } catch {
    return NOT_JSON;
  }
}

function mediaType(contentType: string | null | undefined): string | null {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === undefined || type === '' ? null : type;
}

/** A JSON media type, or none at all (then the body is JSON if it parses). */
function maybeJson(type: string | null): boolean {
  return type === null || type === 'application/json' || type.endsWith('+json');
}

function sameBytes(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const encoder = new TextEncoder();
  const x = typeof a === 'string' ? encoder.encode(a) : a;
  const y = typeof b === 'string' ? encoder.encode(b) : b;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
