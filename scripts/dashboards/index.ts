import { divergenceDashboard } from './divergence.js';
import { migrationOverview } from './migration-overview.js';
import { proxyHealth } from './proxy-health.js';

/**
 * The dashboards, by their file name in `dashboards/`. The JSON there is generated from these
 * builders and committed; `test/unit/dashboards` fails when it is stale and rewrites it when run
 * with `UPDATE_DASHBOARDS=1` (dashboards/README.md).
 */
export const DASHBOARDS: Readonly<Record<string, () => Record<string, unknown>>> = {
  'switchyard-migration-overview.json': migrationOverview,
  'switchyard-divergence.json': divergenceDashboard,
  'switchyard-proxy-health.json': proxyHealth,
};

/** A dashboard's file text: two-space JSON and a final newline, as committed. */
export function renderDashboard(build: () => Record<string, unknown>): string {
  return `${JSON.stringify(build(), null, 2)}\n`;
}
