import type { ConsoleContext } from '../context.js';
import { confirmDialog } from '../dialog.js';
import { h } from '../dom.js';
import { explain } from '../messages.js';

type Action = 'start' | 'approve' | 'pause' | 'resume' | 'abort';

const ACTIVE = ['running', 'waiting-evidence', 'waiting-approval'];
/** The states in which each action means something; the API answers 409 in any other. */
const WHEN: Record<Action, readonly string[]> = {
  start: ['idle', 'complete', 'aborted', 'rolled-back'],
  approve: ['waiting-approval'],
  pause: ACTIVE,
  resume: ['paused'],
  abort: [...ACTIVE, 'paused'],
};

/** Named apart from the switch's own Resume, for a screen reader's list of buttons. */
const LABELS: Record<Action, string> = {
  start: 'Start plan',
  approve: 'Approve step',
  pause: 'Pause plan',
  resume: 'Resume plan',
  abort: 'Abort plan',
};

interface Ask {
  title: string;
  body: string;
  confirm: string;
  done: string;
  danger?: boolean;
  /** Asks for a reason, sent with the call and kept in the audit trail. */
  reason?: boolean;
}

const ASK: Record<Action, Ask> = {
  start: {
    title: 'Start the plan',
    body: 'The plan sets its first step and then raises the rollout step by step, only on evidence.',
    confirm: 'Confirm start',
    done: 'Started.',
  },
  approve: {
    title: 'Approve the next step',
    body: 'The evidence for this step is in. Approving lets the plan raise the rollout to its next step.',
    confirm: 'Confirm approval',
    done: 'Approved: the plan moves on.',
  },
  pause: {
    title: 'Pause the plan',
    body: 'The plan stays at this step and does not advance until resumed. The rollout is unchanged.',
    confirm: 'Confirm pause',
    done: 'Paused.',
  },
  resume: {
    title: 'Resume the plan',
    body: 'The plan goes on from this step, on evidence as before.',
    confirm: 'Confirm resume',
    done: 'Resumed.',
  },
  abort: {
    title: 'Abort the plan',
    body: 'The plan stops for good. The rollout stays where it is: aborting does not roll back (the Roll back control does).',
    confirm: 'Confirm abort',
    done: 'Aborted: the rollout stays where it is.',
    danger: true,
    reason: true,
  },
};

/** Start, approve, pause, resume and abort, each after a confirmation; admin token only. */
export function createPlanActions(ctx: ConsoleContext, changed: () => void) {
  const done = h('p', { class: 'note', role: 'status' });
  const buttons = new Map<Action, HTMLButtonElement>();
  for (const action of ['start', 'approve', 'pause', 'resume', 'abort'] as const) {
    const label = LABELS[action];
    const button = h('button', { type: 'button', class: action === 'abort' ? 'danger' : '' }, label);
    button.addEventListener('click', () => void act(action));
    buttons.set(action, button);
  }
  const fieldset = h(
    'fieldset',
    { disabled: ctx.readOnly, 'aria-describedby': ctx.readOnly ? 'plan-read-only' : null },
    h('legend', { class: 'visually-hidden' }, 'Plan actions'),
    h('div', { class: 'switch-controls' }, ...buttons.values()),
  );
  const root = h(
    'div',
    { class: 'plan-actions' },
    ctx.readOnly
      ? h(
          'p',
          { id: 'plan-read-only', class: 'note' },
          'Read-only token: the plan can be watched, not changed.',
        )
      : null,
    fieldset,
    done,
  );

  /** Enables what the state allows (null: the plan could not be read). */
  function render(state: string | null, planSet = false): void {
    for (const [action, button] of buttons) {
      button.disabled = state === null || !planSet || !WHEN[action].includes(state);
    }
  }

  async function act(action: Action): Promise<void> {
    const ask = ASK[action];
    const ok = await confirmDialog({
      title: ask.title,
      body: [ask.body],
      confirm: ask.confirm,
      ...(ask.danger === true ? { danger: true } : {}),
      ...(ask.reason === true
        ? { field: { label: 'Reason', maxLength: 500, hint: 'Written to the audit trail.' } }
        : {}),
    });
    if (ok === null) return;
    done.textContent = '';
    try {
      await ctx.api.send('POST', `/admin/plan/${action}`, ok === '' ? {} : { reason: ok });
      ctx.alerts.clear('action');
      done.textContent = ask.done;
    } catch (err) {
      ctx.alerts.show(explain(err, `${action} the plan`));
    } finally {
      changed();
    }
  }

  return { root, render };
}
