import { fill, h } from '../dom.js';
import { ago, clock, sourceHealth } from '../format.js';
import type { InstanceView, InstancesView } from '../api-types.js';
import { unavailable } from './unavailable.js';

/**
 * The replicas the durable store knows: version, start, last heartbeat, flag source, live
 * sessions and guard mode. One silent for 3 heartbeats is greyed and says "gone".
 */
export function createInstancesView() {
  const body = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  const root = h(
    'section',
    { class: 'card instances', 'aria-labelledby': 'instances-title' },
    h('h2', { id: 'instances-title' }, 'Instances'),
    body,
  );

  function render(view: InstancesView): void {
    const live = view.items.filter((i) => !i.gone).length;
    fill(
      body,
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h('caption', {}, 'Replicas sharing the store'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...[
                'Instance',
                'Version',
                'Started',
                'Last heartbeat',
                'Flag source',
                'Live sessions',
                'Guard',
                'Status',
              ].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h('tbody', {}, ...view.items.map((i) => row(i, i.id === view.self))),
        ),
      ),
      h(
        'p',
        { class: 'note' },
        `${live} live, ${view.items.length - live} gone. An instance silent for 3 heartbeats is shown as gone.`,
      ),
    );
  }

  function fail(err: unknown): void {
    fill(body, h('p', { class: 'note' }, unavailable(err, 'Instances')));
  }

  return { root, render, fail };
}

function row(i: InstanceView, self: boolean): HTMLTableRowElement {
  return h(
    'tr',
    { class: i.gone ? 'gone' : '' },
    h('th', { scope: 'row' }, h('code', {}, i.id), self ? h('span', { class: 'note' }, ' (this one)') : null),
    h('td', {}, i.version),
    h('td', {}, h('time', { datetime: i.startedAt }, clock(i.startedAt))),
    h('td', {}, h('time', { datetime: i.lastHeartbeat }, ago(i.lastHeartbeat))),
    h('td', {}, sourceHealth(i.flagSource)),
    h('td', { class: 'n' }, i.liveSessions),
    h('td', { class: i.guardMode === 'enforce' ? '' : 'warn' }, i.guardMode),
    h('td', { class: i.gone ? 'status' : 'status ok' }, i.gone ? '✕ gone' : '✓ live'),
  );
}
