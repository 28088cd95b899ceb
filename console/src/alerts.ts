import { byId } from './dom.js';

/**
 * The page's one `role="alert"` element (several would compete), overridden to the top of the
 * viewport. Each message has a source, so the poller clearing its own "proxy unreachable" does
 * not wipe the error of a change the person just tried.
 */
export class Alerts {
  private readonly bar = byId<HTMLDivElement>('alert-bar');
  private readonly text = byId<HTMLParagraphElement>('alert');
  private source: string | null = null;

  constructor() {
    byId<HTMLButtonElement>('alert-dismiss').addEventListener('click', () => this.clear());
  }

  show(message: string, source = 'action'): void {
    this.source = source;
    this.text.textContent = message;
    this.bar.hidden = false;
  }

  /** Clears the message, or only one from `source`. */
  clear(source?: string): void {
    if (source !== undefined && source !== this.source) return;
    this.source = null;
    this.bar.hidden = true;
    this.text.textContent = '';
  }
}
