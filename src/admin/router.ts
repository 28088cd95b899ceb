import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import type { Switchboard } from '../switchboard/switchboard.js';
import { FlagPersistError, FlagsUnavailableError, type FlagSource } from '../flags/source.js';
import { emptyState } from '../flags/document.js';
import type { FlagState } from '../routing/types.js';
import { adminAuth } from './auth.js';
import { SwitchyardError, notFound } from '../errors/switchyard-error.js';
import { stateView } from './state-view.js';
import { planRoutes, type PlanApi } from './plan-routes.js';
import type { AuditEntry } from '../store/types.js';
import {
  emptyBody,
  overrideBody,
  overrideUserId,
  parseOr400,
  percentBody,
  rollbackBody,
  userIdParam,
} from './validate.js';

export interface AdminDeps {
  switchboard: Switchboard;
  source: FlagSource;
  log: Logger;
  adminToken: string;
  readToken: string | undefined;
  maxBodyBytes: number;
  flagNames: { rollout: string; shadow: string; baseline?: string };
  /** Extra read-only views that later parts plug in (summary, divergences, guard); may be async. */
  views?: Record<string, (req: Request) => unknown>;
  /** The release plan (src/plan/): `/admin/plan` and its control calls. */
  plan?: PlanApi;
  /** Every audit record, also written to the durable store (src/store/). */
  onAudit?: (entry: AuditRecord) => void;
}

/** An audit line as the router makes it; the store adds the time and the instance. */
export type AuditRecord = Omit<AuditEntry, 'at' | 'instance'>;

/** `/admin/*`: JSON in, JSON out, bearer auth, an audit line for every change. */
export function createAdminRouter(deps: AdminDeps): Router {
  const { switchboard, source, log } = deps;
  const router = express.Router();
  router.use(adminAuth(deps.adminToken, deps.readToken));
  router.use(express.json({ limit: deps.maxBodyBytes, strict: true }));

  const current = (): FlagState => switchboard.flags() ?? emptyState(deps.flagNames);
  const state = () => stateView(current(), source.status());

  /** Runs a change and writes the audit line: who, what, before, after (and the failure, if any). */
  const change =
    (action: string, apply: (req: Request) => Promise<unknown>) =>
    async (req: Request, res: Response): Promise<void> => {
      const before = state();
      const audit = (failure: string | null) => {
        const after = state();
        const line = {
          audit: {
            action,
            role: res.locals.role as string,
            actor: actorOf(req),
            address: req.socket.remoteAddress,
            before: summary(before),
            after: summary(after),
            ...(typeof (req.body as { reason?: unknown } | undefined)?.reason === 'string' && {
              reason: (req.body as { reason: string }).reason,
            }),
            ...(failure !== null && { failed: failure }),
          },
        };
        if (failure === null) log.info(line, `admin ${action}`);
        else log.warn(line, `admin ${action} failed`);
        const { reason, failed, address, ...rest } = line.audit as typeof line.audit & {
          reason?: string;
          failed?: string;
        };
        deps.onAudit?.({
          ...rest,
          address: address ?? null,
          reason: reason ?? null,
          failed: failed ?? null,
        });
        return after;
      };
      try {
        await apply(req);
      } catch (err) {
        // Bad input changes nothing and says so; anything else that failed is on the record.
        if (!(err instanceof SwitchyardError && err.status === 400)) audit((err as Error).message);
        throw err;
      }
      res.json(audit(null));
    };

  router.get('/state', (_req, res) => {
    res.json(state());
  });
  router.put(
    '/rollout',
    change('rollout', (req) => switchboard.setRollout(parseOr400(percentBody, req.body).percent)),
  );
  router.put(
    '/shadow',
    change('shadow', (req) => switchboard.setShadow(parseOr400(percentBody, req.body).percent)),
  );
  router.put(
    '/baseline',
    change('baseline', (req) => switchboard.setBaseline(parseOr400(percentBody, req.body).percent)),
  );
  router.post(
    '/rollback',
    change('rollback', (req) =>
      switchboard.rollback('manual', parseOr400(rollbackBody, req.body).reason ?? null),
    ),
  );
  router.post(
    '/resume',
    change('resume', (req) => {
      parseOr400(emptyBody, req.body);
      return switchboard.resume();
    }),
  );
  router.get('/assignments/:userId', (req, res) => {
    const userId = parseOr400(userIdParam, req.params.userId);
    res.json({ userId, ...switchboard.decide(userId) });
  });
  router.put(
    '/overrides/:userId',
    change('override', (req) => {
      const userId = parseOr400(overrideUserId, req.params.userId);
      const body = parseOr400(overrideBody, req.body);
      return switchboard.setOverride(
        userId,
        body.note === undefined ? { serve: body.serve } : { serve: body.serve, note: body.note },
      );
    }),
  );
  router.delete(
    '/overrides/:userId',
    change('override-clear', (req) =>
      switchboard.setOverride(parseOr400(userIdParam, req.params.userId), null),
    ),
  );
  if (deps.plan !== undefined) planRoutes(router, deps.plan);
  for (const [name, view] of Object.entries(deps.views ?? {})) {
    router.get(`/${name}`, async (req, res) => {
      res.json(await view(req));
    });
  }
  router.use((req) => {
    throw notFound(`no admin route ${req.method} ${req.path}`);
  });
  router.use(handleErrors(log));
  return router;
}

export function actorOf(req: Request): string | null {
  const actor = req.headers['x-switchyard-actor'];
  return typeof actor === 'string' ? actor.replace(/[^\w@.:-]/g, '').slice(0, 64) : null;
}

function summary(s: ReturnType<typeof stateView>) {
  return {
    stage: s.stage,
    rollout: s.rollout.percent,
    shadow: s.shadow.percent,
    ...(s.baseline !== undefined && { baseline: s.baseline.percent }),
    rollback: s.rollback.engaged,
    overrides: s.overrides.count,
  };
}

export function handleErrors(log: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof SwitchyardError) {
      res.status(err.status).json(err.toJSON());
      return;
    }
    if (err instanceof FlagPersistError) {
      // Already on the record: the change's audit line carries the failure.
      res.status(500).json({ error: { code: 'not_persisted', message: err.message } });
      return;
    }
    if (err instanceof FlagsUnavailableError) {
      res.status(503).json({ error: { code: 'flags_unavailable', message: err.message } });
      return;
    }
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') {
      res.status(400).json({ error: { code: 'body_too_large', message: 'request body is too large' } });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'bad_json', message: 'request body is not valid JSON' } });
      return;
    }
    log.error({ err: (err as Error).message }, 'admin request failed');
    res.status(500).json({ error: { code: 'internal', message: 'the change could not be completed' } });
  };
}
