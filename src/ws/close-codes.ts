/** Codes that may be received but never sent (RFC 6455 7.4.1), or are outside the sendable ranges. */
function sendable(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

/** The code to send the client when its engine socket closed with `code`. */
export function codeForClient(code: number): number {
  if (code === 1005) return 1000;
  return sendable(code) ? code : 1011;
}

/** The code to send the engine when the client's socket closed with `code`. */
export function codeForEngine(code: number): number {
  if (code === 1005) return 1000;
  if (code === 1006) return 1001;
  return sendable(code) ? code : 1001;
}

/** Close reasons are at most 123 bytes. */
export function safeReason(reason: Buffer | string): string | Buffer {
  return Buffer.byteLength(reason) <= 123 ? reason : '';
}
