import type { AuditView, InstancesView } from '../../../console/src/api-types.js';
import { ago, plural, table } from './text.js';

/** `switchyard instances`: one line per replica, the gone ones marked. Pure. */
export function formatInstances(view: InstancesView, now: number): string {
  if (view.items.length === 0) return 'no instances registered';
  const rows = view.items.map((i) => [
    i.id === view.self ? `${i.id} *` : i.id,
    i.gone ? 'GONE' : 'up',
    i.version,
    `started ${ago(now - Date.parse(i.startedAt))}`,
    `beat ${ago(now - Date.parse(i.lastHeartbeat))}`,
    plural(i.liveSessions, 'session'),
    `guard ${i.guardMode}`,
    `flags ${i.flagSource?.kind ?? '?'}${i.flagSource?.ready === false ? ' (not ready)' : ''}${i.flagSource?.up === false ? ' (DOWN)' : ''}`,
  ]);
  const live = view.items.filter((i) => !i.gone).length;
  return [`${plural(live, 'instance')} up of ${view.items.length} (* this one):`, table(rows)].join('\n');
}

/** `switchyard audit`: newest first; a failed change says so. Pure. */
export function formatAudit(view: AuditView): string {
  if (view.items.length === 0) return 'no changes recorded';
  const rows = view.items.map((e) => [
    e.at,
    e.action,
    `${e.role}${e.actor === null ? '' : ` (${e.actor})`}`,
    e.failed === null ? 'ok' : `FAILED: ${e.failed}`,
    e.reason === null ? '' : `reason: ${e.reason}`,
  ]);
  return [table(rows), ...nextPage(view.next)].join('\n');
}

/** The hint for the next page, when there is one. */
export function nextPage(next: string | undefined): string[] {
  return next === undefined ? [] : [`more: --cursor ${next}`];
}
