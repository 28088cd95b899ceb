import type { Request } from 'express';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { FleetStore } from '../store/fleet-store.js';
import { auditQuery, divergenceQuery, encodeCursor } from './store-query.js';

const queryOf = (req: Request): Record<string, unknown> => (typeof req.query === 'object' ? req.query : {});

/**
 * The admin views the durable store answers: `divergences` (search and paging over the fleet's
 * records when the store is shared), `audit` and `instances`. Paged views answer
 * `{items, next?}`; pass `next` back as `cursor=` for the page after.
 */
export function storeViews(fleet: FleetStore, now: () => number = Date.now) {
  return {
    divergences: async (req: Request) => {
      const query = divergenceQuery(queryOf(req), now());
      await fleet.settle();
      const page = await answered(fleet.store.searchDivergences(query));
      return {
        items: page.items.map((r) => ({ ...r.divergence, id: r.id, instance: r.instance, source: r.source })),
        ...(page.next === undefined ? {} : { next: encodeCursor(page.next) }),
      };
    },
    audit: async (req: Request) => {
      const query = auditQuery(queryOf(req), now());
      await fleet.settle();
      const page = await answered(fleet.store.listAudit(query));
      return {
        items: page.items.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
        ...(page.next === undefined ? {} : { next: encodeCursor(page.next) }),
      };
    },
    instances: async () => {
      const items = await answered(fleet.store.listInstances(now()));
      return {
        self: fleet.instance,
        items: items.map(({ at, ...i }) => ({
          ...i,
          startedAt: new Date(i.startedAt).toISOString(),
          lastHeartbeat: new Date(at).toISOString(),
        })),
      };
    },
  };
}

/** A store that fails to answer is a 503 (the proxy itself is fine), never a 500 with its error text. */
async function answered<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch {
    throw new SwitchyardError(503, 'store_unavailable', 'the store did not answer; try again');
  }
}
