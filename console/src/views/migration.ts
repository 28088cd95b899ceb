import { h, setText } from '../dom.js';
import { ago, clock } from '../format.js';
import type { StateView } from '../api-types.js';

const STAGES: Record<string, string> = {
  legacy: 'everyone on legacy, no shadow',
  shadow: 'legacy serves everyone; some users are shadowed to the user engine',
  canary: 'part of the users on the user engine',
  complete: 'everyone on the user engine',
  'rolled-back': 'rollback switch engaged: everyone on legacy',
};

/** Stage, percentages (the noise baseline's too) and the rollback switch. */
export function createMigrationView() {
  const stage = h('output', { 'aria-label': 'Stage', class: 'big' });
  const stageNote = h('p', { class: 'note' });
  const rollout = h('output', { 'aria-label': 'Current rollout', class: 'big' });
  const shadow = h('output', { 'aria-label': 'Current shadow', class: 'big' });
  const baseline = h('output', { 'aria-label': 'Current noise baseline', class: 'big' });
  const switchState = h('output', { 'aria-label': 'Rollback switch', class: 'pill' });
  const trigger = h('dd');
  const reason = h('dd');
  const at = h('dd');

  const root = h(
    'section',
    { class: 'card migration', 'aria-labelledby': 'migration-title' },
    h('h2', { id: 'migration-title' }, 'Migration'),
    h(
      'div',
      { class: 'figures' },
      h('div', { class: 'figure' }, h('span', { class: 'label' }, 'Stage'), stage),
      h('div', { class: 'figure' }, h('span', { class: 'label' }, 'Rollout'), rollout),
      h('div', { class: 'figure' }, h('span', { class: 'label' }, 'Shadow'), shadow),
      h('div', { class: 'figure' }, h('span', { class: 'label' }, 'Baseline'), baseline),
    ),
    stageNote,
    h('h3', {}, 'Rollback switch'),
    h(
      'dl',
      { class: 'pairs' },
      h('dt', {}, 'State'),
      h('dd', {}, switchState),
      h('dt', {}, 'Trigger'),
      trigger,
      h('dt', {}, 'Reason'),
      reason,
      h('dt', {}, 'Since'),
      at,
    ),
  );

  function render(s: StateView): void {
    setText(stage, s.stage);
    setText(stageNote, STAGES[s.stage] ?? '');
    setText(rollout, `${s.rollout.percent}%`);
    setText(shadow, `${s.shadow.percent}%`);
    setText(baseline, `${s.baseline?.percent ?? 0}%`);
    const engaged = s.rollback.engaged;
    setText(switchState, engaged ? 'Engaged: everyone on legacy' : 'Off');
    switchState.classList.toggle('danger', engaged);
    root.classList.toggle('rolled-back', engaged);
    setText(trigger, s.rollback.trigger ?? '—');
    setText(reason, s.rollback.reason ?? '—');
    setText(at, s.rollback.at === null ? '—' : `${clock(s.rollback.at)} (${ago(s.rollback.at)})`);
  }

  return { root, render };
}
