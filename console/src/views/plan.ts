import { ApiError } from '../api.js';
import { gateSeries } from '../chart.js';
import type { ConsoleContext } from '../context.js';
import { fill, h, setText } from '../dom.js';
import { ago, clock } from '../format.js';
import { epoch, parseHistory, parsePlan, type PlanModel } from '../plan.js';
import { gateChart } from './gate-chart.js';
import { createPlanActions } from './plan-actions.js';
import { planSteps } from './plan-steps.js';
import { unavailable } from './unavailable.js';

const STATES: Record<string, string> = {
  idle: 'no plan running',
  running: 'ramping on evidence',
  'waiting-evidence': 'holding this step until the evidence is in',
  'waiting-approval': 'the evidence is in: waiting for a person to approve',
  paused: 'paused: holding this step until resumed',
  complete: 'every step done',
  aborted: 'stopped; the rollout stays where it was',
  'rolled-back': 'the guard rolled back; everyone is on legacy',
};

/**
 * The release plan (`GET /admin/plan`): its state and what it waits for, the step timeline,
 * each gate's value against its limit over the current step, and the approve, pause, resume
 * and abort actions.
 */
export function createPlanView(ctx: ConsoleContext, changed: () => void) {
  const state = h('output', { 'aria-label': 'Plan state', class: 'big' });
  const stateNote = h('p', { class: 'note' });
  const step = h('dd');
  const percent = h('dd');
  const since = h('dd');
  const waiting = h('dd', { 'aria-label': 'Waiting for' });
  const actions = createPlanActions(ctx, changed);
  const timeline = h('div', {});
  const charts = h('div', { class: 'gate-charts' });
  const missing = h('p', { class: 'note' }, 'Loading…');
  const details = h(
    'div',
    { hidden: true },
    h(
      'div',
      { class: 'figures' },
      h('div', { class: 'figure' }, h('span', { class: 'label' }, 'State'), state),
    ),
    stateNote,
    h(
      'dl',
      { class: 'pairs' },
      h('dt', {}, 'Step'),
      step,
      h('dt', {}, 'Rollout'),
      percent,
      h('dt', {}, 'Since'),
      since,
      h('dt', {}, 'Waiting for'),
      waiting,
    ),
    actions.root,
    h('h3', {}, 'Steps'),
    timeline,
    h('h3', {}, 'Gates over the current step'),
    charts,
  );
  const root = h(
    'section',
    { class: 'card plan', 'aria-labelledby': 'plan-title' },
    h('h2', { id: 'plan-title' }, 'Release plan'),
    missing,
    details,
  );

  /** `GET /admin/plan`, and the gate series from `/plan/history` where the proxy serves it apart. */
  async function read(): Promise<{ view: unknown; history: unknown }> {
    const view = await ctx.api.get<unknown>('/admin/plan');
    const history = await ctx.api.get<unknown>('/admin/plan/history').catch(() => null);
    return { view, history };
  }

  function render({ view, history }: { view: unknown; history: unknown }): void {
    const parsed = parsePlan(view);
    const m = { ...parsed, series: parseHistory(history) ?? parsed.series };
    missing.hidden = true;
    details.hidden = false;
    setText(state, m.state);
    setText(stateNote, [STATES[m.state] ?? '', m.reason ?? ''].filter((s) => s !== '').join(': '));
    root.classList.toggle('rolled-back', m.state === 'rolled-back');
    // Counted from the plan's steps when the percentage is one of them: `step` may count from 0 or 1.
    const steps = m.plan?.steps ?? [];
    const index = m.percent === null ? -1 : steps.indexOf(m.percent);
    setText(step, index >= 0 ? `${index + 1} of ${steps.length}` : m.step === null ? '—' : String(m.step));
    setText(percent, m.percent === null ? '—' : `${m.percent}%`);
    setText(since, m.since === null ? '—' : `${clock(m.since)} (${ago(m.since)})`);
    setText(waiting, m.waiting ?? '—');
    actions.render(m.state, m.plan !== null);
    fill(timeline, planSteps(m));
    fill(charts, ...gateCharts(m));
  }

  /** A proxy without the plan API (404) shows only that; any other failure keeps what was known. */
  function fail(err: unknown): void {
    const absent = err instanceof ApiError && err.status === 404;
    setText(missing, unavailable(err, 'Release plan'));
    missing.hidden = false;
    if (absent) details.hidden = true;
    actions.render(null);
  }

  return { root, read, render, fail };
}

function gateCharts(m: PlanModel): HTMLElement[] {
  if (m.series === null) return [h('p', { class: 'note' }, 'No history yet: the proxy sent no gate series.')];
  const byGate = gateSeries(m.series, epoch(m.since));
  if (byGate.size === 0) return [h('p', { class: 'note' }, 'No history yet for this step.')];
  return [...byGate].map(([name, points]) => gateChart(name, points));
}
