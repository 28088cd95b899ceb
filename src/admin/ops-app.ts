import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Router } from 'express';

export interface OpsDeps {
  registry: Registry;
  admin: Router;
  /** null when ready, otherwise why not. */
  notReadyReason: () => string | null;
  /** Extra mounts (the console's static files). */
  mounts?: Array<{ path: string; handler: express.RequestHandler | Router }>;
}

/** The ops listener: health, readiness, metrics and the admin API. express is fine here. */
export function createOpsApp(deps: OpsDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', (_req, res) => {
    const reason = deps.notReadyReason();
    if (reason === null) res.json({ ready: true });
    else res.status(503).json({ ready: false, reason });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  app.use('/admin', deps.admin);
  for (const m of deps.mounts ?? []) app.use(m.path, m.handler);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such ops route' } });
  });
  return app;
}
