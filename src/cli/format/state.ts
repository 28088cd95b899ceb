import type { StateView } from '../../../console/src/api-types.js';
import { quoted, when } from './text.js';

const SHOWN_OVERRIDES = 5;

/** The rollback switch in one phrase. */
export function rollbackLine(rollback: StateView['rollback'], now: number): string {
  if (!rollback.engaged) return 'off';
  return `ENGAGED by ${rollback.trigger ?? 'unknown'} at ${when(rollback.at, now)}: ${quoted(rollback.reason)}`;
}

export function flagSourceLine(source: StateView['flagSource'], now: number): string {
  const health = [source.ready ? 'ready' : 'NOT READY', source.up === false ? 'DOWN' : 'up'].join(', ');
  const problem = source.problem ? ` (${source.problem})` : '';
  return `${source.kind}: ${health}${problem}; last sync ${when(source.lastSync, now)}`;
}

export function overridesLine(overrides: StateView['overrides']): string {
  const users = overrides.users ?? [];
  if (overrides.count === 0) return '0';
  const shown = users.slice(0, SHOWN_OVERRIDES).map((u) => `${u.userId} -> ${u.serve}`);
  const more = overrides.count - shown.length;
  return `${overrides.count}${shown.length > 0 ? ` (${shown.join(', ')}${more > 0 ? `, +${more} more` : ''})` : ''}`;
}

const flagName = (flag: string | undefined): string => (flag === undefined ? '' : `  (flag ${flag})`);

/** The `/admin/state` part of `status`, as label/value rows. */
export function stateRows(state: StateView, now: number): string[][] {
  return [
    ['stage', state.stage],
    ['rollout', `${state.rollout.percent}%${flagName(state.rollout.flag)}`],
    ['shadow', `${state.shadow.percent}%${flagName(state.shadow.flag)}`],
    ...(state.baseline === undefined
      ? []
      : [['baseline', `${state.baseline.percent}%${flagName(state.baseline.flag)}`]]),
    ['rollback', rollbackLine(state.rollback, now)],
    ['overrides', overridesLine(state.overrides)],
    ['flags', flagSourceLine(state.flagSource, now)],
  ];
}
