/** Appends to a log that keeps only its last `limit` entries. */
export function pushBounded<T>(log: T[], entry: T, limit: number): void {
  log.push(entry);
  if (log.length > limit) log.splice(0, log.length - limit);
}
