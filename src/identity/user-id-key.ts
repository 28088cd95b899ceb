/**
 * Whether a query or body key names a user id: `user_id` as the backend reads it, and every
 * spelling a lenient reader might map to it (`userId`, `userID`, `user-id`, `USER_ID`). Honest
 * clients never send another user's id under any of them, so refusing them all costs nothing.
 */
export function isUserIdKey(key: string): boolean {
  if (key.length < 6 || key.length > 8) return false;
  return key.toLowerCase().replace(/[-_]/g, '') === 'userid';
}
