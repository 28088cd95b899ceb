import type { Alerts } from './alerts.js';
import { ApiError } from './api.js';
import type { ConsoleContext } from './context.js';
import { fill, h, setText } from './dom.js';
import { clock } from './format.js';
import { poll } from './poller.js';
import type { Session } from './session.js';
import type { DivergencesView, GuardView, StateView, SummaryView } from './types.js';
import { createAssignmentView } from './views/assignment.js';
import { createControls } from './views/controls.js';
import { createDivergenceDetail } from './views/divergence-detail.js';
import { createDivergencesView } from './views/divergences.js';
import { createFlagSourceView } from './views/flag-source.js';
import { createGuardView } from './views/guard.js';
import { createMigrationView } from './views/migration.js';
import { createSummaryView } from './views/summary.js';

/** Refreshed at least this often, so a change made elsewhere shows within two seconds. */
const REFRESH_MS = 1500;

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
  const migration = createMigrationView();
  const controls = createControls(ctx);
  const source = createFlagSourceView();
  const guard = createGuardView();
  const summary = createSummaryView();
  const detail = createDivergenceDetail();
  const divergences = createDivergencesView(detail, () => poller.now());
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
      guard.root,
      summary.root,
      divergences.root,
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

  const kindQuery = (): string => {
    const kind = divergences.kind();
    const book = divergences.source() === 'baseline' ? '&source=baseline' : '';
    return `${book}${kind === '' ? '' : `&kind=${encodeURIComponent(kind)}`}`;
  };

  async function refresh(): Promise<void> {
    const [s, g, m, d] = await Promise.allSettled([
      session.api.get<StateView>('/admin/state'),
      session.api.get<GuardView>('/admin/guard'),
      session.api.get<SummaryView>('/admin/summary?window=60'),
      session.api.get<DivergencesView>(`/admin/divergences?limit=50${kindQuery()}`),
    ]);
    const failures = [s, g, m, d].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
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
    if (g.status === 'fulfilled') {
      if (changed('guard', g.value)) guard.render(g.value);
    } else if (changed('guard', String(g.reason))) guard.fail(g.reason);
    if (m.status === 'fulfilled') {
      if (changed('summary', m.value)) summary.render(m.value);
    } else if (changed('summary', String(m.reason))) summary.fail(m.reason);
    if (d.status === 'fulfilled') divergences.render(d.value.items);
    else divergences.fail(d.reason);
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
