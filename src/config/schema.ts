import { z } from 'zod';
import { notifySection } from './notify.js';
import { DEFAULT_ROUTES } from './routes.js';
import { requireUnleashSettings, unleashSection } from './unleash.js';

const port = z.coerce
  .number({ error: 'not a port' })
  .int('not a port')
  .min(0, 'not a port')
  .max(65535, 'not a port');
const url = z.url({ error: 'not a URL' });
/** An engine is spoken to over HTTP(S) and WebSocket: `ftp:` or `javascript:` cannot work. */
const engineUrl = url.refine((u) => /^https?:\/\//i.test(u), 'not an http(s) URL');
const positiveInt = z.coerce
  .number({ error: 'not a number' })
  .int('not an integer')
  .min(1, 'must be at least 1');
const bool = z.preprocess(
  (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  z.boolean({ error: 'not a boolean (true|false)' }),
);
const ranged = (min: number, max: number) =>
  z.coerce
    .number({ error: 'not a number' })
    .min(min, `must be in ${min}..${max}`)
    .max(max, `must be in ${min}..${max}`);

/** A missing section is read as `{}`, so a missing value inside it is named by its full path. */
const orEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => v ?? {}, schema);

const route = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/, 'route names are metric labels: [a-z0-9_]+'),
  method: z.string().transform((m) => m.toUpperCase()),
  path: z.string().startsWith('/', 'must start with /'),
  shadowSafe: z.boolean().default(false),
  userIdIn: z.enum(['none', 'query', 'body', 'query+body']).default('query'),
});

export const configSchema = z.strictObject({
  port: port.default(8080),
  host: z.string().default('0.0.0.0'),
  admin: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: port.default(9901),
      token: z.string().min(32, 'admin tokens must be at least 32 characters').optional(),
      readToken: z.string().min(32, 'admin tokens must be at least 32 characters').optional(),
      tokenFile: z.string().default('.switchyard/admin-token'),
      maxBodyBytes: positiveInt.default(16 * 1024),
    })
    .prefault({}),
  /** Slow clients on both listeners (node:http): see README, "Slow clients". */
  http: z
    .strictObject({
      /** All of a request's headers must be in within this. */
      headersTimeoutMs: positiveInt.default(10_000),
      /** The whole request, body included (a large upload must fit in it). */
      requestTimeoutMs: positiveInt.default(300_000),
      /** A keep-alive connection with no request in progress is closed after this. */
      idleTimeoutMs: positiveInt.default(60_000),
    })
    .prefault({})
    .refine((h) => h.headersTimeoutMs <= h.requestTimeoutMs, {
      path: ['headersTimeoutMs'],
      message: 'must not be longer than http.requestTimeoutMs',
    }),
  engines: z.strictObject({
    legacy: orEmpty(z.strictObject({ url: engineUrl })),
    user: orEmpty(z.strictObject({ url: engineUrl })),
    timeoutMs: positiveInt.default(60_000),
    idleSocketMs: positiveInt.default(4_000),
  }),
  jwt: z
    .strictObject({
      secret: z.string().optional(),
      jwksUrl: url.optional(),
      issuer: z.string().optional(),
      audience: z.string().optional(),
      clockSkewSeconds: ranged(0, 300).default(30),
      cacheSize: positiveInt.default(10_000),
    })
    .prefault({})
    .superRefine((jwt, ctx) => {
      if (jwt.jwksUrl === undefined && jwt.secret === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['secret'],
          message: 'required (HS256 secret) unless jwt.jwksUrl is set',
        });
      }
      if (jwt.secret !== undefined && Buffer.byteLength(jwt.secret) < 32) {
        ctx.addIssue({
          code: 'custom',
          path: ['secret'],
          message: 'HS256 secrets must be at least 32 bytes (RFC 7518 3.2)',
        });
      }
    }),
  identity: z
    .strictObject({
      allowAnonymous: bool.default(false),
      stripHeaders: z
        .array(z.string().transform((h) => h.toLowerCase()))
        .default([
          'x-user-id',
          'x-user',
          'x-auth-user',
          'x-forwarded-user',
          'x-authenticated-user',
          'x-switchyard-shadow',
        ]),
      /** Bodies declared up to this size are read, then checked; larger or chunked ones stream. */
      maxUserIdBodyBytes: positiveInt.default(256 * 1024),
      /** Keys the id hashes in logs and divergences; generated beside the admin token when unset. */
      idHashSecret: z.string().min(32, 'id hash secrets must be at least 32 characters').optional(),
    })
    .prefault({}),
  flags: z
    .strictObject({
      source: z.enum(['file', 'unleash'], { error: 'must be file or unleash' }).default('file'),
      file: z.string().default('config/flags.json'),
      /** A flag file larger than this is refused without being read. */
      maxFileBytes: positiveInt.default(1024 * 1024),
      rolloutFlag: z.string().min(1).default('switchyard-rollout'),
      shadowFlag: z.string().min(1).default('switchyard-shadow'),
      baselineFlag: z.string().min(1).default('switchyard-baseline'),
      unleash: unleashSection,
    })
    .prefault({})
    .superRefine(requireUnleashSettings),
  routes: z.array(route).default(() => DEFAULT_ROUTES.map((r) => ({ ...r }))),
  websocket: z
    .strictObject({
      paths: z
        .array(z.string().startsWith('/'))
        .default(['/ws', '/websocket', '/ws/test', '/ws/factory', '/ws/isolated']),
      /** What a bad credential gets: the backend's accept + error frame + 1008, or an HTTP 401 refusal. */
      authFailure: z.enum(['close-1008', 'http-401']).default('close-1008'),
      /** Subprotocols (besides jwt-auth) the proxy may echo when a client offers them. */
      echoProtocols: z.array(z.string()).default([]),
      pingIntervalMs: positiveInt.default(30_000),
      /** A client (or engine) silent this long is dead; longer than the web client's 15/30 s JSON ping. */
      idleTimeoutMs: positiveInt.default(75_000),
      maxPayloadBytes: positiveInt.default(1024 * 1024),
      highWaterBytes: positiveInt.default(1024 * 1024),
      pendingMaxFrames: positiveInt.default(256),
      pendingMaxBytes: positiveInt.default(1024 * 1024),
      handshakeTimeoutMs: positiveInt.default(5_000),
      fallbackToLegacy: bool.default(false),
      isolation: z.enum(['block', 'report', 'off']).default('block'),
      /** Deliver a run id that no run start of the session explains (WS_ALLOW_ENGINE_RUNS). */
      allowEngineInitiatedRuns: bool.default(false),
      /** How long a user keeps its run and thread ids after its last session ended (reconnects). */
      claimLingerMs: z.coerce.number().int().min(0).default(60_000),
      minSessionMs: z.coerce.number().int().min(0).default(1_500),
      drain: z
        .strictObject({
          policy: z.enum(['spread', 'finish-run']).default('spread'),
          minAgeMs: z.coerce.number().int().min(0).default(5_000),
          windowMs: z.coerce.number().int().min(0).default(5_000),
          runDeadlineMs: positiveInt.default(30_000),
          finishRunMaxMs: positiveInt.default(300_000),
        })
        .prefault({}),
    })
    .prefault({}),
  tickets: z
    .strictObject({
      /** Shared by a fleet so a ticket obtained through one replica works at any other. */
      secret: z.string().min(32, 'ticket secrets must be at least 32 characters').optional(),
      maxResponseBytes: positiveInt.default(64 * 1024),
    })
    .prefault({}),
  guard: z
    .strictObject({
      mode: z
        .enum(['enforce', 'dry-run', 'off'], { error: 'must be enforce, dry-run or off' })
        .default('enforce'),
      windowSeconds: ranged(5, 3600).pipe(z.number().int('must be a whole number of seconds')).default(60),
      minRequests: positiveInt.default(100),
      minUsers: positiveInt.max(64, 'must be at most 64 (the distinct-user sketch holds 64)').default(5),
      maxErrorRateDelta: ranged(0, 100).default(1),
      maxErrorRate: ranged(0, 0.9999).default(0.05),
      maxP95Ratio: ranged(1, 100).default(1.1),
      minP95DeltaMs: ranged(0, 60_000).default(25),
      maxMismatchRate: ranged(0, 1).default(0.05),
      minComparisons: positiveInt.default(50),
      confidence: ranged(0.5, 0.9999).default(0.99),
      /** Cross-engine mismatch rate allowed above the larger baseline floor (0..1). */
      maxMismatchDelta: ranged(0, 1).default(0.05),
      /** A kind whose own floor is above this is noisy: reported, left out of the mismatch gate. */
      noisyKindRate: ranged(0, 1).default(0.2),
    })
    .prefault({}),
  /** Shadow mode: every bound of the shadow copy and its comparison (src/shadow/). */
  shadow: z
    .strictObject({
      /** Shadowed WebSocket sessions open at once; more are not shadowed (dropped: capacity). */
      maxSessions: positiveInt.default(500),
      /** HTTP shadow requests in flight at once; more are not shadowed (dropped: capacity). */
      maxInflightHttp: positiveInt.default(100),
      /** Request and response bodies captured for an HTTP comparison; larger: body_too_large. */
      httpBodyLimitBytes: positiveInt.default(1024 * 1024),
      httpTimeoutMs: positiveInt.default(10_000),
      connectTimeoutMs: positiveInt.default(5_000),
      /** A run not judged this long after it started is `incomplete` (timeout). */
      runTimeoutMs: positiveInt.default(30_000),
      /** After the client leaves, runs still in flight get this long to finish on both sides. */
      closeGraceMs: z.coerce.number().int().min(0).default(5_000),
      maxPendingRuns: positiveInt.default(20),
      maxEventsPerRun: positiveInt.default(500),
      /** Client frames held while the shadow socket opens, and bytes held there or unsent on it. */
      bufferFrames: positiveInt.default(256),
      bufferBytes: positiveInt.default(1024 * 1024),
      /** More frames than this from the shadow engine within one second is a flood. */
      maxFramesPerSecond: positiveInt.default(500),
      /** Client frame types copied to the shadow engine (binary frames only with `all`). */
      copyTypes: z.union([z.literal('all'), z.array(z.string().min(1))]).default('all'),
      /** JSON paths ignored in HTTP comparisons, on top of the volatile fields (`**.created_at`). */
      ignorePaths: z.array(z.string().min(1)).default([]),
      ignorePathsByRoute: z.record(z.string(), z.array(z.string().min(1))).default({}),
      /** Replace free text (error messages) in stored divergences. */
      redactText: bool.default(true),
      /**
       * Ignored: it sized the in-memory divergence ring, gone since the durable store keeps
       * divergences; still accepted so that config files which set it keep loading.
       */
      storeSize: positiveInt.optional(),
      /** Fraction of mismatches that get a log line. */
      logSampleRate: ranged(0, 1).default(0.1),
      /** When set, a candidate this many times slower than control is a mismatch (kind field). */
      maxLatencyRatio: ranged(1, 1000).optional(),
      /** The noise baseline while the flag source has no baseline flag (docs/shadow.md). */
      baseline: z
        .strictObject({
          percent: ranged(0, 100).default(0),
          /** Delay of copies to a legacy baseline session: legacy crosses same-millisecond runs. */
          staggerMs: z.coerce.number().int().min(0).max(1000).default(25),
        })
        .prefault({}),
    })
    .prefault({}),
  /** The durable store (src/store/, docs/fleet.md): SQLite at `path`, or PostgreSQL at `url`. */
  store: z
    .strictObject({
      /** `postgres://…`: the fleet's shared store. Unset: the embedded SQLite file at `path`. */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'not a postgres:// URL')
        .optional(),
      path: z.string().default('.switchyard/store.db'),
      retentionDays: positiveInt.max(3650, 'must be at most 3650').default(14),
      heartbeatMs: positiveInt.default(5_000),
      /** Records held for writing per kind; more are shed (switchyard_store_dropped_total). */
      queueCapacity: positiveInt.default(10_000),
      /** Bytes of JSON held for writing per kind (16 MiB): a record that would pass it is shed too. */
      queueMaxBytes: positiveInt.default(16 * 1024 * 1024),
      /** Pooled guard: how often a replica writes its guard slices (and the judge reads them). */
      sliceMs: positiveInt.min(100, 'must be at least 100').default(2_000),
      /** Pooled guard: how often the judge's lock is tried, or checked by its holder. */
      judgePollMs: positiveInt.min(100, 'must be at least 100').default(3_000),
    })
    .prefault({}),
  /** Signed webhooks for plan steps, approvals, breaches and rollbacks (docs/notifications.md). */
  notify: notifySection,
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      requests: bool.default(true),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
