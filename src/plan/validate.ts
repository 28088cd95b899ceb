import { z } from 'zod';
import { badRequest } from '../errors/switchyard-error.js';
import type { Plan } from './types.js';

const MAX_STEPS = 20;
const WEEK_SECONDS = 7 * 24 * 3600;

const percent = (name: string) =>
  z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be 1..100`)
    .max(100, `${name} must be 1..100`);

const count = (name: string, max: number) =>
  z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max}`);

/** `PUT /admin/plan`'s body; the defaults are documented in docs/plan.md. */
export const planBody = z
  .strictObject({
    steps: z
      .array(percent('each step'), { error: 'steps must be an array of percentages' })
      .min(1, 'steps must name at least one percentage')
      .max(MAX_STEPS, `steps may name at most ${MAX_STEPS} percentages`)
      .superRefine((steps, ctx) => {
        steps.forEach((s, i) => {
          const before = steps[i - 1];
          if (before !== undefined && s <= before) {
            ctx.addIssue({
              code: 'custom',
              message: `steps must rise strictly: ${s}% after ${before}% would lower or repeat the percentage (a ramp only adds users; rolling back is the switch's job)`,
            });
          }
        });
      }),
    minStepSeconds: z
      .number({ error: 'minStepSeconds must be a number' })
      .int('minStepSeconds must be a whole number')
      .min(0, 'minStepSeconds must be at least 0')
      .max(WEEK_SECONDS, `minStepSeconds must be at most ${WEEK_SECONDS}`)
      .default(600),
    minComparisons: count('minComparisons', 1e9).default(200),
    // The guard's distinct-user counter saturates at 1024 (src/guard/gates/sketch.ts).
    minUsers: count('minUsers', 1024).default(20),
    approvals: z
      .array(percent('each approval'), { error: 'approvals must be an array of step percentages' })
      .default([]),
    baselineFirst: z.boolean({ error: 'baselineFirst must be true or false' }).default(false),
    baselinePercent: percent('baselinePercent').default(5),
    shadowPercent: z
      .number({ error: 'shadowPercent must be a number' })
      .int('shadowPercent must be a whole number')
      .min(0, 'shadowPercent must be 0..100')
      .max(100, 'shadowPercent must be 0..100')
      .default(100),
  })
  .superRefine((p, ctx) => {
    for (const a of p.approvals) {
      if (!p.steps.includes(a))
        ctx.addIssue({ code: 'custom', message: `approval ${a}% is not one of the steps` });
    }
  });

/** The plan in `body`, defaults filled in, or a 400 that names every problem. */
export function parsePlan(body: unknown): Plan {
  const result = planBody.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) =>
    i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  );
  throw badRequest(problems.join('; '));
}
