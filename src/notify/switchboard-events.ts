import { GUARD_GATES } from '../metrics/catalog.js';
import type { Switchboard } from '../switchboard/switchboard.js';
import type { NotifyListener } from './events.js';

/**
 * Turns the rollback switch's changes into events: a guard's rollback is a `guard-breach` (the
 * gate named by its reason's prefix) followed by a `rollback`; any other trigger only the
 * `rollback`; a release of the switch a `resume`. `leads` says whether this replica speaks for
 * the fleet (every replica sees a shared switch change; one notification is enough).
 */
export function notifyRollbacks(
  switchboard: Switchboard,
  notify: NotifyListener,
  leads: () => boolean = () => true,
): void {
  switchboard.onRollback(({ trigger, reason }) => {
    if (!leads()) return;
    if (trigger === 'guard' && reason !== null)
      notify({ type: 'guard-breach', gate: gateOf(reason), reason });
    const engagedAt = switchboard.flags()?.rollback.at ?? null;
    notify({ type: 'rollback', trigger, reason, engagedAt });
  });
  switchboard.onResume(() => {
    if (leads()) notify({ type: 'resume' });
  });
}

/** The guard writes its trip reasons as `<gate>: <evidence>`. */
function gateOf(reason: string): string | null {
  const prefix = reason.slice(0, reason.indexOf(':'));
  return (GUARD_GATES as readonly string[]).includes(prefix) ? prefix : null;
}
