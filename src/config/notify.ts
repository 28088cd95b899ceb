import { z } from 'zod';

/**
 * The `notify` section (webhooks, docs/notifications.md), the environment variables that set it
 * and its secrets. schema.ts and env.ts merge these in.
 */
const positiveInt = z.coerce
  .number({ error: 'not a number' })
  .int('not an integer')
  .min(1, 'must be at least 1');

/** NOTIFY_WEBHOOK_URLS is one comma-separated string; the YAML file may give a list. */
const urlList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((u) => u.trim())
          .filter((u) => u !== '')
      : v,
  z.array(z.string()).superRefine((urls, ctx) => {
    // Named by position, never quoted: a Slack webhook URL is itself a secret.
    urls.forEach((u, i) => {
      const problem = urlProblem(u);
      if (problem !== null)
        ctx.addIssue({ code: 'custom', message: `URL ${i + 1} of ${urls.length} ${problem}` });
    });
  }),
);

function urlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'is not an http(s) URL';
  if (url.username !== '' || url.password !== '') return 'must not hold a user or password';
  return null;
}

export const notifySection = z
  .strictObject({
    webhookUrls: urlList.default([]),
    /** Keys the HMAC-SHA256 signature of every webhook; required when there are URLs. */
    webhookSecret: z.string().min(32, 'webhook secrets must be at least 32 characters').optional(),
    /** One attempt's limit, connection to answer. */
    timeoutMs: positiveInt.default(5_000),
    /** Attempts per webhook and URL, the first included. */
    maxAttempts: positiveInt.max(100, 'must be at most 100').default(8),
    /** No retry starts later than this after the event. */
    maxAgeSeconds: positiveInt.default(900),
    backoffBaseMs: positiveInt.default(1_000),
    backoffMaxMs: positiveInt.default(60_000),
    /** Webhooks waiting per URL; a full queue drops its oldest (switchyard_notify_dropped_total). */
    queueCapacity: positiveInt.default(1_000),
  })
  .prefault({})
  .superRefine((n, ctx) => {
    if (n.webhookUrls.length > 0 && n.webhookSecret === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookSecret'],
        message:
          'NOTIFY_WEBHOOK_SECRET is required when webhook URLs are set: every webhook is signed with it',
      });
    }
  });

export type NotifySettings = z.infer<typeof notifySection>;

export const NOTIFY_ENV_PATHS: Readonly<Record<string, readonly string[]>> = {
  NOTIFY_WEBHOOK_URLS: ['notify', 'webhookUrls'],
  NOTIFY_WEBHOOK_SECRET: ['notify', 'webhookSecret'],
};

/** Both are secrets: a Slack incoming-webhook URL lets anyone post to its channel. */
export const NOTIFY_SECRET_PATHS: readonly string[] = ['notify.webhookUrls', 'notify.webhookSecret'];
