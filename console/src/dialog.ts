import { h, uid, type Child } from './dom.js';

export interface ConfirmOptions {
  title: string;
  body: Child[];
  confirm: string;
  danger?: boolean;
  /** A text field in the dialog, e.g. the reason of a rollback. */
  field?: { label: string; maxLength: number; hint?: string };
}

/**
 * A native modal `<dialog>`: it traps focus, closes on Escape and is named by its heading.
 * Resolves with the field's value ('' without a field) on confirm, null on cancel; focus goes
 * back to where it was.
 */
export function confirmDialog(options: ConfirmOptions): Promise<string | null> {
  const titleId = uid('dialog-title');
  const fieldId = uid('dialog-field');
  const input = options.field
    ? h('input', { id: fieldId, type: 'text', maxlength: options.field.maxLength, autocomplete: 'off' })
    : null;
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const form = h(
    'form',
    { method: 'dialog' },
    h('h2', { id: titleId }, options.title),
    ...options.body.map((c) => (c instanceof Node ? c : h('p', {}, c))),
    options.field &&
      input &&
      h(
        'p',
        { class: 'field' },
        h('label', { for: fieldId }, options.field.label),
        input,
        options.field.hint === undefined ? null : h('span', { class: 'note' }, options.field.hint),
      ),
    h(
      'p',
      { class: 'actions' },
      h('button', { type: 'submit', class: options.danger === true ? 'danger' : '' }, options.confirm),
      cancel,
    ),
  );
  const dialog = h('dialog', { 'aria-labelledby': titleId }, form);
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.appendChild(dialog);

  return new Promise((resolve) => {
    let result: string | null = null;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      result = input === null ? '' : input.value.trim();
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected === true) opener.focus();
      resolve(result);
    });
    dialog.showModal();
  });
}
