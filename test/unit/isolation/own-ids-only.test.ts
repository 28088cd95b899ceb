import type { IdKind } from '../../../src/isolation/id-keys.js';
import { ownIdsOnly } from '../../../src/isolation/own-ids-only.js';

const OWN = new Set(['ann', 'run-a', 'thread-a']);
const seen: Array<[IdKind, string]> = [];
const isOwn = (kind: IdKind, raw: Buffer, start: number, end: number) => {
  const id = raw.toString('utf8', start, end);
  seen.push([kind, id]);
  return OWN.has(id);
};
const check = (text: string) => ownIdsOnly(Buffer.from(text), isOwn);

describe('ownIdsOnly (the shortcut for frames naming only their own ids)', () => {
  beforeEach(() => (seen.length = 0));

  it('accepts frames whose every id key holds an own id or null, at any depth and spelling', () => {
    expect(
      check('{"type":"agent_thinking","data":{"run_id":"run-a","thread_id":"thread-a","user_id":"ann"}}'),
    ).toBe(true);
    expect(seen).toEqual([
      ['run', 'run-a'],
      ['thread', 'thread-a'],
      ['user', 'ann'],
    ]);
    expect(check('[{"USER-ID" : "ann"},{"x":[{"threadId":null}]}]')).toBe(true);
    expect(check('{"type":"ping","note":"user_id is a word here"}')).toBe(true);
  });

  it('declines (full check) another id, any backslash, a non-string id, or text that is not one JSON value', () => {
    expect(check('{"data":{"user_id":"ben"}}')).toBe(false);
    expect(check('{"data":{"user\\u005fid":"ben"}}')).toBe(false);
    expect(check('{"payload":{"result":"{\\"user_id\\":\\"ben\\"}"}}')).toBe(false);
    expect(check('{"data":{"user_id":42}}')).toBe(false);
    expect(check('{"data":{"user_id":{"id":"ann"}}}')).toBe(false);
    expect(check('{"data":{"user_id":"ann","ru')).toBe(false);
    expect(check('"ann"')).toBe(false);
    expect(check('{"data":{"user_id":"ann}')).toBe(false);
  });
});
