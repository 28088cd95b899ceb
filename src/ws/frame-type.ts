const TYPE_KEY = Buffer.from('"type"');
const QUOTE = 0x22;
const COLON = 0x3a;
const MAX_TYPE_BYTES = 64;

/**
 * The `type` of a JSON text frame without parsing it: the string after the first `"type":`.
 * Used for frames that cannot carry an id (which are never parsed); a frame whose first `"type"`
 * key is a nested one is misread, which only costs a run-state guess.
 */
export function peekType(data: Buffer): string | null {
  const key = data.indexOf(TYPE_KEY);
  if (key < 0) return null;
  let i = skipSpace(data, key + TYPE_KEY.length);
  if (data[i] !== COLON) return null;
  i = skipSpace(data, i + 1);
  if (data[i] !== QUOTE) return null;
  const end = data.indexOf(QUOTE, i + 1);
  if (end < 0 || end - i - 1 > MAX_TYPE_BYTES) return null;
  const type = data.toString('utf8', i + 1, end);
  return type.includes('\\') ? null : type;
}

function skipSpace(data: Buffer, from: number): number {
  let i = from;
  while (data[i] === 0x20 || data[i] === 0x09 || data[i] === 0x0a || data[i] === 0x0d) i++;
  return i;
}
