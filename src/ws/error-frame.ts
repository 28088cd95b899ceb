/** The backend's error frame (docs/design.md, "The three envelopes", C), so the web client treats ours like its own. */
export function errorFrame(code: string, message: string, suggestions: string[] = []): string {
  return JSON.stringify({
    type: 'error_message',
    error_code: code,
    error_message: message,
    details: {},
    recovery_suggestions: suggestions,
    timestamp: Date.now() / 1000,
  });
}
