import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { decodeBody } from '../../../src/shadow/decode-body.js';

const body = Buffer.from(JSON.stringify({ status: 'healthy', n: [1, 2, 3] }));

describe('decodeBody', () => {
  it('returns an unencoded body as it is', () => {
    expect(decodeBody(body, undefined, 1024)).toBe(body);
    expect(decodeBody(body, 'identity', 1024)).toBe(body);
  });

  it.each([
    ['gzip', gzipSync(body)],
    ['deflate', deflateSync(body)],
    ['br', brotliCompressSync(body)],
  ])('decodes %s', (coding, encoded) => {
    expect(decodeBody(encoded, coding, 1024)).toEqual(body);
  });

  it('gives up past the limit, on an unknown coding and on corrupt bytes', () => {
    expect(decodeBody(gzipSync(Buffer.alloc(10_000)), 'gzip', 1024)).toBeNull();
    expect(decodeBody(body, 'compress', 1024)).toBeNull();
    expect(decodeBody(Buffer.from('not gzip'), 'gzip', 1024)).toBeNull();
  });
});
