import { UserIdScanner } from '../../../src/identity/user-id-scanner.js';

function scanInChunks(text: string, size: number, userId = 'alice') {
  const scanner = new UserIdScanner(userId);
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) scanner.write(bytes.subarray(i, i + size));
  return scanner.end();
}

describe('UserIdScanner: top-level user ids of a body fed in chunks', () => {
  it.each([1, 3, 7, 64])('finds the same verdicts with %i-byte chunks', (size) => {
    expect(scanInChunks('{"a":[1,{"user_id":"bob"}],"user_id":"alice"}', size)).toBe('ok');
    expect(scanInChunks('{"a":{"b":"c"},"user\\u005fid":"bob"}', size)).toBe('mismatch');
    expect(scanInChunks('{"user_id":"al\\u0069ce","x":"é€𝄞"}', size)).toBe('ok');
    expect(scanInChunks('{"user_id":"alice","user_id":"bob"}', size)).toBe('mismatch');
    expect(scanInChunks('{"user_id":"alice"} x', size)).toBe('malformed');
    expect(scanInChunks('["user_id",{"user_id":"bob"}]', size)).toBe('ok');
  });

  it('knows a mismatch before the end of the body', () => {
    const scanner = new UserIdScanner('alice');
    expect(scanner.write(Buffer.from('{"user_id":"bob",'))).toBe('mismatch');
  });

  it('says nothing before the end when all is well, and ok only for a complete document', () => {
    const scanner = new UserIdScanner('alice');
    expect(scanner.write(Buffer.from('{"user_id":"alice"'))).toBeNull();
    expect(scanner.end()).toBe('malformed');
  });

  it('keeps its memory bounded for a 32 MiB string and refuses a deep nesting', () => {
    const scanner = new UserIdScanner('alice');
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    scanner.write(Buffer.from('{"message":"'));
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 32; i++) scanner.write(chunk);
    const grown = process.memoryUsage().rss - before;
    scanner.write(Buffer.from('","user_id":"alice"}'));
    expect(scanner.end()).toBe('ok');
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    expect(scanInChunks('['.repeat(600) + ']'.repeat(600), 4096)).toBe('malformed');
  });

  it('cannot be fooled by an id longer than what it keeps', () => {
    const long = 'a'.repeat(9000);
    expect(scanInChunks(`{"user_id":"${long}b"}`, 1000, long)).toBe('mismatch');
    expect(scanInChunks(`{"user_id":"${long.slice(0, 8192)}x"}`, 1000, long.slice(0, 8192))).toBe('mismatch');
  });
});
