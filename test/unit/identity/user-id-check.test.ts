import { bodyUserIdCheck, queryUserIdMismatch } from '../../../src/identity/user-id-check.js';

const body = (text: string) => Buffer.from(text, 'utf8');

describe('queryUserIdMismatch: every user id in the query, decoded as Starlette decodes it', () => {
  it.each([
    'user_id=bob',
    'user%5Fid=bob',
    '%75ser_id=bob',
    '%75%73%65%72%5f%69%64=bob',
    'user_id=alice&user_id=bob',
    'user_id=bob&user_id=alice',
    'x=1;user_id=bob',
    'userId=bob',
    'USER_ID=bob',
    'user-id=bob',
    'user_id=',
    'user_id=%62ob',
    'user_id=alice+',
  ])('finds a foreign id in ?%s', (search) => {
    expect(queryUserIdMismatch(search, 'alice')).toBe(true);
  });

  it.each([
    '',
    'x=1',
    'user_id=alice',
    'user%5Fid=alice',
    '%75ser_id=%61lice',
    'user_id=alice&user_id=alice',
    'thread_id=bob',
    'users=bob',
    'q=user_id%3Dbob',
  ])('passes ?%s for alice', (search) => {
    expect(queryUserIdMismatch(search, 'alice')).toBe(false);
  });
});

describe('bodyUserIdCheck: every top-level user id of a JSON body, whatever its content type', () => {
  it.each([
    ['a foreign user_id', '{"user_id":"bob","query":"q"}'],
    ['an escaped key', '{"user\\u005fid":"bob"}'],
    ['a camelCase key', '{"userId":"bob"}'],
    ['a duplicate key, foreign last', '{"user_id":"alice","user_id":"bob"}'],
    ['a duplicate key, foreign first', '{"user_id":"bob","user_id":"alice"}'],
    ['a duplicate hidden by an escape', '{"user_id":"alice","user\\u005Fid":"bob"}'],
    ['a number', '{"user_id":7}'],
    ['an object', '{"user_id":{"id":"alice"}}'],
    ['a UTF-8 BOM', '\ufeff{"user_id":"bob"}'],
  ])('refuses %s', (_what, text) => {
    expect(bodyUserIdCheck(body(text), 'alice')).toBe('mismatch');
  });

  it.each([
    ['the caller', '{"user_id":"alice","query":"q"}'],
    ['no id', '{"query":"q"}'],
    ['a null id', '{"user_id":null}'],
    ['a nested id (not the backend user)', '{"user_id":"alice","context":{"user_id":"bob"}}'],
    ['an id named in a text', '{"message":"tell user_id bob hi","user_id":"alice"}'],
    ['an array', '[{"user_id":"bob"}]'],
    ['an empty body', ''],
  ])('passes %s', (_what, text) => {
    expect(bodyUserIdCheck(body(text), 'alice')).toBe('ok');
  });

  it.each([
    ['text that is not JSON', 'user_id=bob'],
    ['truncated JSON', '{"user_id":"alice"'],
    ['NaN (Python would read it)', '{"user_id":"bob","n":NaN}'],
  ])('calls %s malformed', (_what, text) => {
    expect(bodyUserIdCheck(body(text), 'alice')).toBe('malformed');
  });
});
