import type { ConsoleContext } from '../context.js';
import { fill, h } from '../dom.js';
import { explain } from '../messages.js';
import type { AssignmentView } from '../api-types.js';

const REASONS: Record<string, string> = {
  rollback: 'the rollback switch is engaged',
  override: 'this user is overridden to an engine',
  rollout: "this user's bucket is inside the rollout percentage",
  'not-in-rollout': "this user's bucket is outside the rollout percentage",
  anonymous: 'anonymous traffic always goes to legacy',
  'flags-unavailable': 'the flags are not known yet, so legacy serves',
};

/** Which engine serves a user, whether they are shadowed, and why: in the API's own words. */
export function createAssignmentView(ctx: ConsoleContext) {
  const input = h('input', { id: 'assign-user', type: 'text', autocomplete: 'off', spellcheck: false });
  const button = h('button', { type: 'submit' }, 'Look up');
  const result = h(
    'div',
    { role: 'region', 'aria-label': 'Assignment', 'aria-live': 'polite', class: 'assignment' },
    h('p', { class: 'note' }, 'Look up a user to see their engine.'),
  );
  const form = h(
    'form',
    { novalidate: true, method: 'post' },
    h('label', { for: 'assign-user' }, 'User id'),
    h('span', { class: 'inline' }, input, button),
  );
  const root = h(
    'section',
    { class: 'card lookup', 'aria-labelledby': 'lookup-title' },
    h('h2', { id: 'lookup-title' }, 'Assignment lookup'),
    form,
    result,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookUp();
  });

  async function lookUp(): Promise<void> {
    const userId = input.value.trim();
    if (userId === '') {
      ctx.alerts.show('Enter a user id to look up.');
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const a = await ctx.api.get<AssignmentView>(`/admin/assignments/${encodeURIComponent(userId)}`);
      ctx.alerts.clear('action');
      fill(
        result,
        h(
          'dl',
          { class: 'pairs' },
          h('dt', {}, 'User id'),
          h('dd', {}, h('code', {}, a.userId)),
          h('dt', {}, 'Engine'),
          h('dd', {}, a.serve),
          h('dt', {}, 'Shadow'),
          h(
            'dd',
            {},
            a.shadow,
            h(
              'span',
              { class: 'note' },
              a.shadow === 'none' ? ' (not shadowed)' : ` (shadowed: copied to ${a.shadow})`,
            ),
          ),
          h('dt', {}, 'Reason'),
          h(
            'dd',
            {},
            a.reason,
            REASONS[a.reason] ? h('span', { class: 'note' }, ` (${REASONS[a.reason]})`) : null,
          ),
        ),
      );
    } catch (err) {
      ctx.alerts.show(explain(err, `look up ${userId}`));
    } finally {
      button.disabled = false;
    }
  }

  return { root };
}
