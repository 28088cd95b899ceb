import type { ConsoleContext } from '../context.js';
import { confirmDialog } from '../dialog.js';
import { h, setText } from '../dom.js';
import { explain } from '../messages.js';
import type { StateView } from '../api-types.js';

/** Above this many points at once, a ramp asks for confirmation. */
const BIG_RAMP = 25;

/** Rollout, shadow and baseline percentages, the rollback switch and the resume, through the admin API. */
export function createControls(ctx: ConsoleContext) {
  const done = h('p', { class: 'note', role: 'status' });
  const rollout = percentForm(ctx, 'rollout', done);
  const shadow = percentForm(ctx, 'shadow', done);
  const baseline = percentForm(ctx, 'baseline', done);
  const rollBack = h('button', { type: 'button', class: 'danger' }, 'Roll back');
  const resume = h('button', { type: 'button' }, 'Resume');
  const readOnlyNote = ctx.readOnly
    ? h(
        'p',
        { id: 'read-only-note', class: 'notice' },
        'Signed in with the read-only token: the controls are disabled because this token can only read. ',
        'Sign in with the admin token to change the rollout.',
      )
    : null;

  rollBack.addEventListener('click', () => void onRollback(ctx, done));
  resume.addEventListener('click', () => void onResume(ctx, done));

  const fieldset = h(
    'fieldset',
    { disabled: ctx.readOnly, 'aria-describedby': ctx.readOnly ? 'read-only-note' : null },
    h('legend', { class: 'visually-hidden' }, 'Controls'),
    rollout.form,
    shadow.form,
    baseline.form,
    h('div', { class: 'switch-controls' }, rollBack, resume),
  );
  const root = h(
    'section',
    { class: 'card controls', 'aria-labelledby': 'controls-title' },
    h('h2', { id: 'controls-title' }, 'Controls'),
    readOnlyNote,
    fieldset,
    done,
  );

  function render(s: StateView): void {
    rollout.render(s.rollout.percent);
    shadow.render(s.shadow.percent);
    baseline.render(s.baseline?.percent ?? 0);
  }

  return { root, render };
}

type PercentFlag = 'rollout' | 'shadow' | 'baseline';
const TITLES: Record<PercentFlag, string> = { rollout: 'Rollout', shadow: 'Shadow', baseline: 'Baseline' };

function percentForm(ctx: ConsoleContext, which: PercentFlag, done: HTMLElement) {
  const label = `${TITLES[which]} percent`;
  const id = `${which}-percent`;
  const now = h('span', { id: `${id}-now`, class: 'note' });
  const input = h('input', {
    id,
    type: 'number',
    min: 0,
    max: 100,
    step: 1,
    inputmode: 'numeric',
    autocomplete: 'off',
    'aria-describedby': `${id}-now`,
  });
  const button = h('button', { type: 'submit' }, `Apply ${which}`);
  const form = h(
    'form',
    { class: 'percent', novalidate: true, method: 'post' },
    h('label', { for: id }, label),
    h('span', { class: 'inline' }, input, button),
    now,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void apply();
  });

  async function apply(): Promise<void> {
    const raw = input.value.trim();
    if (raw === '') {
      ctx.alerts.show(`Enter a whole number from 0 to 100 in ${label}.`);
      input.focus();
      return;
    }
    // Sent as typed: the admin API validates, with the same rules and words as for the CLI.
    const percent = Number(raw);
    const from = ctx.state()[which]?.percent ?? 0;
    // Only a ramp the API would accept asks first; anything else goes straight to its validation.
    const valid = Number.isInteger(percent) && percent >= 0 && percent <= 100;
    if (which === 'rollout' && valid && percent - from > BIG_RAMP) {
      const ok = await confirmDialog({
        title: 'Confirm a big ramp',
        body: [
          `This moves the rollout from ${from}% to ${percent}%: ${percent - from} points at once.`,
          'Those users go to the user engine with their next request.',
        ],
        confirm: 'Confirm rollout',
      });
      if (ok === null) return;
    }
    await run(ctx, done, button, `change the ${which}`, async () => {
      const state = await ctx.api.send<StateView>('PUT', `/admin/${which}`, { percent });
      input.value = '';
      return [state, `${TITLES[which]} is now ${state[which]?.percent ?? 0}%.`];
    });
  }

  return {
    form,
    render: (percent: number) => setText(now, `Now ${percent}%.`),
  };
}

async function onRollback(ctx: ConsoleContext, done: HTMLElement): Promise<void> {
  const reason = await confirmDialog({
    title: 'Roll back',
    body: [
      'Every new request and session goes to legacy and no one is shadowed, on every replica.',
      'Sessions on the user engine are drained. The percentages are kept for the resume.',
    ],
    confirm: 'Confirm rollback',
    danger: true,
    field: { label: 'Reason', maxLength: 500, hint: 'Written to the audit log and shown here.' },
  });
  if (reason === null) return;
  await run(ctx, done, null, 'roll back', async () => {
    const body = reason === '' ? {} : { reason };
    const state = await ctx.api.send<StateView>('POST', '/admin/rollback', body);
    return [state, 'Rolled back: everyone is on legacy.'];
  });
}

async function onResume(ctx: ConsoleContext, done: HTMLElement): Promise<void> {
  const s = ctx.state();
  const ok = await confirmDialog({
    title: 'Resume',
    body: [
      s.rollback.engaged
        ? `The rollback switch is released everywhere: the rollout goes back to ${s.rollout.percent}% and shadowing to ${s.shadow.percent}%.`
        : 'The rollback switch is not engaged; resuming changes nothing.',
    ],
    confirm: 'Confirm resume',
  });
  if (ok === null) return;
  await run(ctx, done, null, 'resume', async () => {
    const state = await ctx.api.send<StateView>('POST', '/admin/resume', {});
    return [state, `Resumed: the rollout is ${state.rollout.percent}%.`];
  });
}

/** Runs one change: busy while in flight, the new state shown, an error put in words. */
async function run(
  ctx: ConsoleContext,
  done: HTMLElement,
  button: HTMLButtonElement | null,
  doing: string,
  change: () => Promise<[StateView, string]>,
): Promise<void> {
  if (button !== null) button.disabled = true;
  done.textContent = '';
  try {
    const [state, message] = await change();
    ctx.alerts.clear('action');
    ctx.applied(state);
    done.textContent = message;
  } catch (err) {
    ctx.alerts.show(explain(err, doing));
  } finally {
    if (button !== null) button.disabled = false;
  }
}
