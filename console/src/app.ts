import type { Alerts } from './alerts.js';
import { ApiError } from './api.js';
import type { ConsoleContext } from './context.js';
import { fill, h, setText } from './dom.js';
import { clock } from './format.js';
import { poll } from './poller.js';
import type { Session } from './session.js';
import type { StateView } from './api-types.js';
import { createAssignmentView } from './views/assignment.js';
import { createAuditView } from './views/audit.js';
import { createControls } from './views/controls.js';
import { createDivergenceDetail } from './views/divergence-detail.js';
import { createDivergencesView } from './views/divergences.js';
import { createFlagSourceView } from './views/flag-source.js';
import { createGuardView } from './views/guard.js';
import { createInstancesView } from './views/instances.js';
import { createMigrationView } from './views/migration.js';
import { createPlanView } from './views/plan.js';
import { createSummaryView } from './views/summary.js';

/** Refreshed at least this often, so a change made elsewhere shows within two seconds. */
const REFRESH_MS = 1500;

/** A panel the poller fills from the admin API. */
interface Panel {
  read(): Promise<unknown>;
  /** What `read` asks for, where a person can change it (a search, a page). */
  path?(): string;
  render(value: never): void;
  fail(err: unknown): void;
  /** Rendered on every read (it keeps its own rows), not only when the answer changed. */
  always?: boolean;
}

/** Builds the signed-in console in `root` and keeps it current. Nothing of it exists before. */
export function startConsole(
  root: HTMLElement,
  bar: HTMLElement,
  session: Session,
  alerts: Alerts,
  signOut: (message?: string) => void,
) {
  let state = session.state;
  const ctx: ConsoleContext = {
    api: session.api,
    readOnly: session.role === 'read',
    alerts,
    state: () => state,
    applied: (next) => {
      showState(next);
      poller.now();
    },
  };
  const refreshNow = (): void => poller.now();
  const migration = createMigrationView();
  const controls = createControls(ctx);
  const source = createFlagSourceView();
  const plan = createPlanView(ctx, refreshNow);
  const guard = createGuardView();
  const summary = createSummaryView();
  const instances = createInstancesView();
  const divergences = createDivergencesView(createDivergenceDetail(), refreshNow);
  const audit = createAuditView(refreshNow);
  const updated = h('span', { class: 'note' });
  const out = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
  out.addEventListener('click', () => signOut());

  fill(bar, h('span', { class: 'role' }, session.role === 'read' ? 'Read-only' : 'Admin'), updated, out);
  fill(
    root,
    h(
      'div',
      { class: 'layout' },
      migration.root,
      controls.root,
      h('div', { class: 'stack' }, source.root, createAssignmentView(ctx).root),
      plan.root,
      guard.root,
      summary.root,
      instances.root,
      divergences.root,
      audit.root,
    ),
  );

  let updatedAt = clock(new Date().toISOString());
  const last = new Map<string, string>();
  /** Renders only what changed, so reading a table with a screen reader is not disturbed. */
  const changed = (key: string, value: unknown): boolean => {
    const json = JSON.stringify(value);
    if (last.get(key) === json) return false;
    last.set(key, json);
    return true;
  };
  function showState(next: StateView): void {
    state = next;
    if (!changed('state', next)) return;
    migration.render(next);
    controls.render(next);
    source.render(next);
  }
  showState(state);

  const get = (path: string) => () => session.api.get<unknown>(path);
  const panels: Record<string, Panel> = {
    guard: { ...guard, read: get('/admin/guard') },
    summary: { ...summary, read: get('/admin/summary?window=60') },
    plan,
    instances: { ...instances, read: get('/admin/instances') },
    divergences: { ...divergences, read: () => session.api.get(divergences.path()), always: true },
    audit: { ...audit, read: () => session.api.get(audit.path()) },
  };

  async function refresh(): Promise<void> {
    const entries = Object.entries(panels);
    const asked = entries.map(([, p]) => p.path?.());
    const [s, ...reads] = await Promise.allSettled([
      session.api.get<StateView>('/admin/state'),
      ...entries.map(([, p]) => p.read()),
    ]);
    const failures = [s, ...reads].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.some((e) => e instanceof ApiError && e.status === 401)) {
      signOut('The proxy no longer accepts this token (it may have been changed). Sign in again.');
      return;
    }
    if (failures.some((e) => e instanceof ApiError && e.status === 0)) {
      alerts.show(`Lost contact with the proxy; showing what was known at ${updatedAt}. Retrying.`, 'poll');
    } else {
      alerts.clear('poll');
    }
    if (s.status === 'fulfilled') {
      showState(s.value);
      updatedAt = clock(new Date().toISOString());
      setText(updated, `Updated ${updatedAt}`);
    }
    entries.forEach(([key, panel], i) => {
      const r = reads[i]!;
      // The search or the page changed while this read was out: the read after it answers that.
      if (panel.path !== undefined && panel.path() !== asked[i]) return;
      if (r.status === 'fulfilled') {
        if (panel.always === true || changed(key, r.value)) panel.render(r.value as never);
      } else if (panel.always === true || changed(key, String(r.reason))) panel.fail(r.reason);
    });
  }
  const poller = poll(REFRESH_MS, refresh);

  return {
    stop(): void {
      poller.stop();
      fill(root);
      fill(bar);
      document.querySelectorAll('dialog').forEach((dialog) => dialog.remove());
    },
  };
}
