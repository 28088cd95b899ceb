import type { RouteSpec } from '../config/routes.js';

export const OTHER_ROUTE: RouteSpec = {
  name: 'other',
  method: '*',
  path: '*',
  shadowSafe: false,
  userIdIn: 'query',
};

/** Finds a request's catalogue entry: exact paths by map lookup, then prefixes (`/x/*`) in order. */
export class RouteCatalogue {
  private readonly exact = new Map<string, RouteSpec>();
  private readonly prefixes: Array<{ method: string; prefix: string; route: RouteSpec }> = [];

  constructor(readonly routes: readonly RouteSpec[]) {
    for (const route of routes) {
      if (route.path.endsWith('*')) {
        this.prefixes.push({ method: route.method, prefix: route.path.slice(0, -1), route });
      } else {
        // Requests are matched without their trailing slash (request-target.ts).
        const path = route.path.length > 1 && route.path.endsWith('/') ? route.path.slice(0, -1) : route.path;
        this.exact.set(`${route.method} ${path}`, route);
      }
    }
  }

  /** `path`: decoded and canonical, without a trailing slash (parseRequestTarget's `match`). */
  match(method: string, path: string): RouteSpec {
    const hit = this.exact.get(`${method} ${path}`);
    if (hit !== undefined) return hit;
    for (const p of this.prefixes) {
      if (p.method === method && path.startsWith(p.prefix)) return p.route;
    }
    return OTHER_ROUTE;
  }

  names(): string[] {
    return [...new Set(this.routes.map((r) => r.name)), OTHER_ROUTE.name];
  }
}
