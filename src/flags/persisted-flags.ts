import type { FlagState, RollbackState } from '../routing/types.js';
import { FlagPersistError, FlagsUnavailableError } from './source.js';

/**
 * The order of local flag changes: written, then published (see FlagSource). Changes run one at
 * a time, each applied to the state the one before left, so quick successive changes publish in
 * order and never a stale intermediate state. Engaging the rollback is published at once, held
 * on top of whatever the store holds until a later write carries it (or a resume releases it).
 */
export class PersistedFlags {
  private base: FlagState | null;
  private held: RollbackState | null = null;
  private published: FlagState | null;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    initial: FlagState | null,
    private readonly persist: (state: FlagState) => Promise<void>,
    private readonly publish: (state: FlagState) => void,
    private readonly problem: () => string | null = () => null,
  ) {
    this.base = initial;
    this.published = initial;
  }

  current(): FlagState | null {
    return this.published;
  }

  /** True while a change is being written (a reload of the store should wait for `idle`). */
  get writing(): boolean {
    return this.pending > 0;
  }

  /** Settles when no change is being written. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  /** A state read from the store itself (an edit by hand): published as is, a held rollback on top. */
  load(state: FlagState): void {
    this.base = state;
    this.refresh();
  }

  update(change: (state: FlagState) => FlagState): Promise<FlagState> {
    const now = this.published;
    if (now === null) return Promise.reject(new FlagsUnavailableError(this.problem()));
    const target = change(now);
    const engaging = target.rollback.engaged && !now.rollback.engaged;
    if (engaging) {
      this.held = target.rollback;
      this.refresh();
    }
    this.pending += 1;
    const job = this.queue
      .then(() => this.apply(change, engaging))
      .finally(() => {
        this.pending -= 1;
      });
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async apply(change: (state: FlagState) => FlagState, engaging: boolean): Promise<FlagState> {
    const from = this.published;
    if (from === null) throw new FlagsUnavailableError(this.problem());
    const heldBefore = this.held;
    const next = change(from);
    if (next === from && heldBefore === null) return from;
    try {
      await this.persist(next);
    } catch (err) {
      throw new FlagPersistError(err, engaging && this.held !== null);
    }
    // `next` was computed on top of the hold it saw: written, that hold is settled (carried or
    // released). A hold engaged while this change was being written still stands.
    if (this.held === heldBefore) this.held = null;
    this.base = next;
    this.refresh();
    return this.published ?? next;
  }

  private refresh(): void {
    const base = this.base;
    if (base === null) return;
    const held = this.held;
    const next = held !== null && !base.rollback.engaged ? { ...base, rollback: held } : base;
    this.published = next;
    this.publish(next);
  }
}
