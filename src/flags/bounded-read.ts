import { open } from 'node:fs/promises';

/** The file is larger than the caller accepts; it was not read (or not past the limit). */
export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
  }
}

const CHUNK = 64 * 1024;

/**
 * Reads a UTF-8 text file of at most `maxBytes` without ever holding much more: a larger file is
 * refused from its size, before any read, and one that grows while it is read is refused as soon
 * as the bytes read pass the limit.
 */
export async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new FileTooLargeError(maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new FileTooLargeError(maxBytes);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close();
  }
}
