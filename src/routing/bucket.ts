import murmur from 'murmurhash3js';

/**
 * Unleash's `flexibleRollout` bucket: murmur3_x86_32("<groupId>:<userId>", seed 0) % 100 + 1.
 * It is the same library and formula unleash-client uses, so the file source and an Unleash
 * server put the same users in the same percentage (test/unit/bucket-unleash.test.ts proves it).
 */
export function bucket(groupId: string, userId: string): number {
  return (murmur.x86.hash32(`${groupId}:${userId}`, 0) % 100) + 1;
}

export function inPercent(flag: { percent: number; groupId: string }, userId: string): boolean {
  if (flag.percent <= 0) return false;
  if (flag.percent >= 100) return true;
  return bucket(flag.groupId, userId) <= flag.percent;
}
