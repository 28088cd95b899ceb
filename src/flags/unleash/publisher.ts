import type { FlagState } from '../../routing/types.js';

/**
 * The state this instance decides with, and its listeners: told of every change that would
 * change a decision or the reported rollback, and of nothing else.
 */
export class Publisher {
  private state: FlagState | null = null;
  private readonly listeners: Array<(state: FlagState) => void> = [];

  /** `empty` is what listeners are told when the state goes back to unknown. */
  constructor(private readonly empty: FlagState) {}

  get current(): FlagState | null {
    return this.state;
  }

  onChange(listener: (state: FlagState) => void): void {
    this.listeners.push(listener);
  }

  publish(next: FlagState | null): void {
    if (next === null && this.state === null) return;
    if (next !== null && this.state !== null && key(next) === key(this.state)) return;
    this.state = next;
    for (const listener of this.listeners) listener(next ?? this.empty);
  }
}

function key(s: FlagState): string {
  const { rollout, shadow, rollback: r } = s;
  const overrides = [...s.overrides].map(([id, o]) => [id, o.serve, o.note ?? null]).sort();
  return JSON.stringify([
    [rollout.percent, rollout.groupId, shadow.percent, shadow.groupId],
    [s.baseline?.percent ?? null, s.baseline?.groupId ?? null],
    [r.engaged, r.trigger, r.reason, r.at],
    overrides,
  ]);
}
