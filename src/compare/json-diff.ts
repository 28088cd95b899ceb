/**
 * Structural diff of two JSON values, returning the dot paths that differ (`a.b.0.c`; the root
 * is `$`). Ignore patterns are dot paths too: `*` matches one segment, `**` any number (zero
 * included), so `**.timestamp` is a `timestamp` key at any depth and `engine` only the
 * top-level one. An ignored path is skipped with everything below it.
 */
export type JsonPath = readonly string[];

const MAX_DIFFERENCES = 50;

export function compileIgnore(patterns: readonly string[]): readonly JsonPath[] {
  return patterns.filter((p) => p.length > 0).map((p) => p.split('.'));
}

export function isIgnored(path: JsonPath, patterns: readonly JsonPath[]): boolean {
  return patterns.some((pattern) => matches(pattern, 0, path, 0));
}

function matches(pattern: JsonPath, pi: number, path: JsonPath, si: number): boolean {
  if (pi === pattern.length) return si === path.length;
  const head = pattern[pi];
  if (head === '**') {
    for (let skip = si; skip <= path.length; skip++) if (matches(pattern, pi + 1, path, skip)) return true;
    return false;
  }
  if (si === path.length) return false;
  return (head === '*' || head === path[si]) && matches(pattern, pi + 1, path, si + 1);
}

export function diffJson(a: unknown, b: unknown, ignore: readonly JsonPath[]): string[] {
  const out: string[] = [];
  walk(a, b, [], ignore, out);
  return out;
}

function walk(a: unknown, b: unknown, path: string[], ignore: readonly JsonPath[], out: string[]): void {
  if (out.length >= MAX_DIFFERENCES) return;
  if (path.length > 0 && isIgnored(path, ignore)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++)
      child(i < a.length, a[i], i < b.length, b[i], [...path, String(i)], ignore, out);
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      child(Object.hasOwn(a, key), a[key], Object.hasOwn(b, key), b[key], [...path, key], ignore, out);
    }
    return;
  }
  if (a !== b) out.push(render(path));
}

/** A key or index present on one side only is a difference, unless ignored. */
function child(
  inA: boolean,
  a: unknown,
  inB: boolean,
  b: unknown,
  path: string[],
  ignore: readonly JsonPath[],
  out: string[],
): void {
  if (inA && inB) walk(a, b, path, ignore, out);
  else if (out.length < MAX_DIFFERENCES && !isIgnored(path, ignore)) out.push(render(path));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function render(path: readonly string[]): string {
  return path.length === 0 ? '$' : path.join('.');
}
