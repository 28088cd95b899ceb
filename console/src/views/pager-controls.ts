import { h, setText } from '../dom.js';
import type { Pager } from '../pager.js';

/** "Newer" and "Older" under a paged table; `onMove` reads the page the pager now points at. */
export function pagerControls(label: string, pager: Pager, onMove: () => void) {
  const newer = h('button', { type: 'button', class: 'secondary' }, 'Newer');
  const older = h('button', { type: 'button', class: 'secondary' }, 'Older');
  const where = h('span', { class: 'note', 'aria-live': 'polite' });
  const root = h('nav', { class: 'pager', 'aria-label': label }, newer, where, older);

  newer.addEventListener('click', () => {
    if (pager.newer()) move();
  });
  older.addEventListener('click', () => {
    if (pager.older()) move();
  });

  function move(): void {
    update();
    onMove();
  }

  function update(): void {
    newer.disabled = !pager.hasNewer;
    older.disabled = !pager.hasOlder;
    setText(where, pager.page === 1 ? 'Newest page' : `Page ${pager.page}`);
  }
  update();

  return { root, update };
}
