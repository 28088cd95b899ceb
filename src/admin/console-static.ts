import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/**
 * No inline script or style, nothing from another origin, no framing, no form posts: the page
 * talks to its own admin API and nothing else.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Revalidate every time: a new build shows at the next load.
  'cache-control': 'no-cache',
};

/** The files at the console's top level; everything else is the compiled `dist/*.js`. */
const TOP_FILES = new Set(['index.html', 'style.css', 'favicon.svg']);
const SCRIPT = /^\/dist\/(?:[\w-]+\/)*[\w-]+\.js$/;

/**
 * `/console/*`: the built console from `dir` (the project's `console/` folder), with the
 * security headers. Only the page, its stylesheet, its icon and the compiled scripts are served;
 * the TypeScript sources and the tsconfig beside them are not.
 */
export function consoleRoutes(dir: string): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set(HEADERS);
    next();
  });
  router.get('/', (req, res, next) => {
    // `/console` needs its slash, or the page's relative addresses resolve above it.
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.baseUrl}/`);
    if (!existsSync(join(dir, 'dist', 'main.js'))) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build:console`.\n');
      return;
    }
    send(res, dir, 'index.html', next);
  });
  router.use((req, res, next) => {
    const name = req.path.slice(1);
    const readable = req.method === 'GET' || req.method === 'HEAD';
    if (readable && (TOP_FILES.has(name) || SCRIPT.test(req.path))) send(res, dir, name, next);
    else next();
  });
  router.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found\n');
  });
  return router;
}

function send(res: Response, root: string, name: string, next: NextFunction): void {
  res.sendFile(name, { root, dotfiles: 'deny', lastModified: true, cacheControl: false }, (err?: Error) => {
    if (err === undefined) return;
    if ((err as { status?: number }).status === 404) next();
    else next(err);
  });
}

/** `GET /` on the ops listener goes to the console; every other path falls through. */
export function consoleRedirect(to = '/console/') {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path === '/' && (req.method === 'GET' || req.method === 'HEAD')) res.redirect(302, to);
    else next();
  };
}

/** The project's `console/` folder: found above this file, whether it runs from `src/` or `dist/src/`. */
export function findConsoleDir(from: string = fileURLToPath(import.meta.url)): string | null {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}
