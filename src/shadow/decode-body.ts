import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * The primary response body as the engine meant it: a client that accepts gzip gets gzip, but
 * the shadow request asks for none, so the captured body is decoded before comparing. Bounded
 * by `limit` bytes of output; null when it cannot be decoded within it (or the coding is unknown).
 */
export function decodeBody(body: Buffer, contentEncoding: unknown, limit: number): Buffer | null {
  const coding = typeof contentEncoding === 'string' ? contentEncoding.trim().toLowerCase() : '';
  const options = { maxOutputLength: limit };
  try {
    switch (coding) {
      case '':
      case 'identity':
        return body;
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body, options);
      case 'deflate':
        return inflateSync(body, options);
      case 'br':
        return brotliDecompressSync(body, options);
      default:
        return null;
    }
  } catch {
    return null;
  }
}
