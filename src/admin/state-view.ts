import type { FlagSourceStatus } from '../flags/source.js';
import { stageOf } from '../routing/stage.js';
import type { FlagState, Stage } from '../routing/types.js';

export interface StateView {
  stage: Stage;
  rollout: { percent: number; flag: string };
  shadow: { percent: number; flag: string };
  /** The noise baseline: users copied to a second session of their own engine. */
  baseline?: { percent: number; flag: string };
  rollback: { engaged: boolean; trigger: string | null; reason: string | null; at: string | null };
  overrides: { count: number; users: Array<{ userId: string; serve: string; note: string | null }> };
  flagSource: FlagSourceStatus;
}

/** The shape of `GET /admin/state` (README.md, "Admin API"). */
export function stateView(flags: FlagState, source: FlagSourceStatus): StateView {
  return {
    stage: stageOf(flags),
    rollout: { percent: flags.rollout.percent, flag: flags.rollout.groupId },
    shadow: { percent: flags.shadow.percent, flag: flags.shadow.groupId },
    ...(flags.baseline !== undefined && {
      baseline: { percent: flags.baseline.percent, flag: flags.baseline.groupId },
    }),
    rollback: { ...flags.rollback },
    overrides: {
      count: flags.overrides.size,
      users: [...flags.overrides]
        .slice(0, 100)
        .map(([userId, o]) => ({ userId, serve: o.serve, note: o.note ?? null })),
    },
    flagSource: source,
  };
}
