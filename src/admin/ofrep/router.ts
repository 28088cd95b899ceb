import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Assignment } from '../../routing/types.js';
import { bearerRole } from '../auth.js';
import { evaluate, isFailure, targetingKeyOf, type OfrepFlag } from './evaluate.js';

export interface OfrepDeps {
  flags: readonly OfrepFlag[];
  /** The proxy's own decision (Switchboard.decide), so OFREP cannot disagree with routing. */
  decide: (userId: string) => Assignment;
  adminToken: string;
  readToken: string | undefined;
  maxBodyBytes: number;
  /** The longest user id the admin API accepts. */
  maxUserIdLength: number;
}

/**
 * The OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml) on the
 * ops listener, mounted at `/ofrep/v1`: single and bulk evaluation, string flags, read or admin token.
 */
export function createOfrepRouter(deps: OfrepDeps): Router {
  const router = express.Router();
  const roleOf = bearerRole(deps.adminToken, deps.readToken);
  const byKey = new Map(deps.flags.map((f) => [f.key, f]));
  const json = express.json({ limit: deps.maxBodyBytes, strict: false });

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (roleOf(req.headers.authorization) !== null) return next();
    res.setHeader('www-authenticate', 'Bearer');
    res.status(401).json({ errorDetails: 'a valid admin or read bearer token is required' });
  });

  /** Parses the body; a body that is not JSON is answered here in the OFREP shape. */
  const parse =
    (failed: (req: Request, res: Response, details: string) => void) =>
    (req: Request, res: Response, next: NextFunction): void => {
      json(req, res, (err?: unknown) => {
        if (err === undefined) return next();
        const e = err as { type?: string };
        failed(
          req,
          res,
          e.type === 'entity.too.large' ? 'the request body is too large' : 'the body is not valid JSON',
        );
      });
    };

  router.post(
    '/evaluate/flags/:key',
    parse(
      (req, res, details) =>
        void res
          .status(400)
          .json({ key: String(req.params.key), errorCode: 'PARSE_ERROR', errorDetails: details }),
    ),
    (req, res) => {
      const key = String(req.params.key);
      const flag = byKey.get(key);
      if (flag === undefined) {
        res.status(404).json({ key, errorCode: 'FLAG_NOT_FOUND', errorDetails: 'no such flag' });
        return;
      }
      const target = targetingKeyOf(req.body, deps.maxUserIdLength);
      if (!('userId' in target)) {
        res.status(400).json({ key, ...target });
        return;
      }
      const answer = evaluate(flag, deps.decide(target.userId));
      res.status(isFailure(answer) ? 500 : 200).json(answer);
    },
  );

  router.post(
    '/evaluate/flags',
    parse(
      (_req, res, details) => void res.status(400).json({ errorCode: 'PARSE_ERROR', errorDetails: details }),
    ),
    (req, res) => {
      const target = targetingKeyOf(req.body, deps.maxUserIdLength);
      if (!('userId' in target)) {
        res.status(400).json(target);
        return;
      }
      const assignment = deps.decide(target.userId);
      const body = JSON.stringify({ flags: deps.flags.map((f) => evaluate(f, assignment)) });
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      res.setHeader('etag', etag);
      if (matches(req.headers['if-none-match'], etag)) {
        res.status(304).end();
        return;
      }
      res.type('application/json').send(body);
    },
  );

  router.use((_req, res) => {
    res.status(404).json({ errorDetails: 'no such OFREP route' });
  });
  return router;
}

/** If-None-Match: a list of entity tags (weak or strong, compared weakly) or `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}
