import type { AnnouncedFlags, FlagState } from '../routing/types.js';
import type { FlagSource } from './source.js';

/**
 * A flag source whose every change made here (admin API, guard, plan) is announced once the source
 * has taken it, so the other replicas re-read theirs now (docs/fleet.md, "Instant fan-out").
 * Everything else is the wrapped source's.
 */
export function announcingSource(
  source: FlagSource,
  announce: (announced: AnnouncedFlags) => void,
): FlagSource {
  return {
    get kind() {
      return source.kind;
    },
    start: () => source.start(),
    current: () => source.current(),
    status: () => source.status(),
    onChange: (listener) => source.onChange(listener),
    refresh: (announced) => source.refresh(announced),
    close: () => source.close(),
    async update(change: (state: FlagState) => FlagState): Promise<FlagState> {
      const next = await source.update(change);
      const { rollout, shadow, baseline, rollback } = next;
      announce({ rollout, shadow, rollback, ...(baseline !== undefined && { baseline }) });
      return next;
    },
  };
}
