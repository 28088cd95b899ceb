import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { PlanActor, PlanDriver } from '../plan/driver.js';
import { PLAN_COMMANDS } from '../plan/control.js';
import { parsePlan } from '../plan/validate.js';
import { actorOf } from './router.js';
import { parseOr400 } from './validate.js';

/** What the plan routes need of the driver. */
export type PlanApi = Pick<PlanDriver, 'freshView' | 'seriesView' | 'setPlan' | 'command'>;

const controlBody = z.strictObject({
  reason: z.string().max(500, 'reason is at most 500 characters').optional(),
});

function who(req: Request, res: Response, reason: string | null = null): PlanActor {
  return {
    role: res.locals.role as string,
    actor: actorOf(req),
    address: req.socket.remoteAddress ?? null,
    reason,
  };
}

/**
 * `GET /admin/plan` (read token), `GET /admin/plan/history` (the current step's gate series),
 * `PUT /admin/plan` and `POST /admin/plan/start|approve|pause|resume|abort` (admin token; each
 * recorded in the audit trail; a call that does not fit the plan's state is a 409).
 */
export function planRoutes(router: Router, plan: PlanApi): void {
  router.get('/plan', async (_req, res) => {
    res.json(await plan.freshView());
  });
  router.get('/plan/history', (_req, res) => {
    res.json(plan.seriesView());
  });
  router.put('/plan', async (req, res) => {
    res.json(await plan.setPlan(parsePlan(req.body), who(req, res)));
  });
  for (const command of PLAN_COMMANDS) {
    router.post(`/plan/${command}`, async (req, res) => {
      const body = parseOr400(controlBody, req.body);
      res.json(await plan.command(command, who(req, res, body.reason ?? null)));
    });
  }
}
