/** Bytes that end an id-shaped token: controls, space, quotes, JSON and URL punctuation. */
const DELIMITER: readonly boolean[] = (() => {
  const table = new Array<boolean>(256).fill(false);
  for (let b = 0; b <= 0x20; b++) table[b] = true;
  for (const c of '"\'`,:;{}[]()<>\\=&/?#!*^~') table[c.charCodeAt(0)] = true;
  table[0x7f] = true;
  return table;
})();
const FULL_STOP = 0x2e;

/**
 * Calls `visit(start, end)` for each id-shaped piece of raw bytes (a frame that is not JSON) until
 * it returns true; returns whether one did. A piece ending in a full stop is offered with and
 * without it (a sentence's full stop is not part of an id; an e-mail's inner dots are). One pass.
 */
export function someToken(raw: Buffer, visit: (start: number, end: number) => boolean): boolean {
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && !DELIMITER[raw[i]!]) continue;
    if (i > start) {
      if (visit(start, i)) return true;
      if (i - start > 1 && raw[i - 1] === FULL_STOP && visit(start, i - 1)) return true;
    }
    start = i + 1;
  }
  return false;
}
