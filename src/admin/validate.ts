import { z } from 'zod';
import { badRequest } from '../errors/switchyard-error.js';

export const percentBody = z.strictObject({
  percent: z
    .number({ error: 'percent must be a number' })
    .int('percent must be a whole number')
    .min(0, 'percent must be 0..100')
    .max(100, 'percent must be 0..100'),
});
export const rollbackBody = z.strictObject({
  reason: z.string().max(500, 'reason is at most 500 characters').optional(),
});
export const emptyBody = z.strictObject({});
export const overrideBody = z.strictObject({
  serve: z.enum(['legacy', 'user'], { error: 'serve must be legacy or user' }),
  note: z.string().max(200, 'note is at most 200 characters').optional(),
});
export const userIdParam = z.string().min(1).max(256, 'user ids are at most 256 characters');
/**
 * A user id an override can be made for: one the flag formats carry unchanged through a restart
 * (Unleash's `userIds` list is comma-separated and trimmed), so no commas, no surrounding spaces,
 * no control characters.
 */
export const overrideUserId = userIdParam
  .refine((id) => !id.includes(','), 'an override user id cannot contain a comma')
  .refine((id) => id.trim() === id, 'an override user id cannot start or end with a space')
  .refine((id) => !/\p{Cc}/u.test(id), 'an override user id cannot contain control characters');

/** Parses or throws a 400 that lists every problem. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const message = result.error.issues
    .map((i) => (i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message))
    .join('; ');
  throw badRequest(message);
}
