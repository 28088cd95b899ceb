import type { UnleashAdminApi } from './admin-api.js';
import { UnleashRefusedError } from './errors.js';
import { flexibleRollout, param, roleOf, type UnleashFlagNames, type UnleashStrategy } from './strategies.js';

interface FlagSpec {
  name: string;
  type: string;
  description: string;
  /** Enabled in the environment when init gives it its strategy. */
  enable: boolean;
  /** Which existing strategies are fine as they are. */
  accepts(strategies: UnleashStrategy[]): string | null;
}

/**
 * `switchyard flags init`: the three flags in the project and environment, idempotently. A new
 * flag gets one flexibleRollout at 0% (stickiness userId, groupId its name) before it is enabled
 * (Unleash 8 gives a flag enabled without strategies a 100% default strategy). An existing flag is
 * never reshaped, re-enabled or reset: a disabled rollout flag is a rollback, and another group id
 * would reshuffle users; what Switchyard cannot follow is reported, and init fails.
 * Answers what it did, one line per flag.
 */
export async function initFlags(api: UnleashAdminApi, names: UnleashFlagNames): Promise<string[]> {
  const specs: FlagSpec[] = [
    {
      name: names.rollout,
      type: 'release',
      description: 'Switchyard: users served by the user engine (sticky on userId). Disabled = rolled back.',
      enable: true,
      accepts: (s) =>
        s.filter((x) => roleOf(x) === 'main').length === 1 && s.every((x) => roleOf(x) !== 'other')
          ? null
          : 'needs exactly one flexibleRollout (and at most a userId IN override)',
    },
    {
      name: names.shadow,
      type: 'experiment',
      description: 'Switchyard: users whose traffic is copied to the engine that does not serve them.',
      enable: true,
      accepts: (s) =>
        s.length === 1 && s[0]?.name === 'flexibleRollout' && (s[0].constraints?.length ?? 0) === 0
          ? null
          : 'needs exactly one flexibleRollout without constraints',
    },
    {
      name: names.meta,
      type: 'operational',
      description:
        "Switchyard's records: a rollback's trigger and reason, override notes (variant payload). Never enabled.",
      enable: false,
      accepts: (s) => (s.length >= 1 ? null : 'needs one strategy to carry the record'),
    },
  ];
  const lines: string[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    const { line, problem } = await initFlag(api, spec);
    lines.push(line);
    if (problem !== null) problems.push(problem);
  }
  if (problems.length > 0) throw new UnleashRefusedError(`${lines.join('\n')}\n${problems.join('\n')}`);
  return lines;
}

async function initFlag(
  api: UnleashAdminApi,
  spec: FlagSpec,
): Promise<{ line: string; problem: string | null }> {
  const done: string[] = [];
  let feature = await api.feature(spec.name);
  if (feature === null) {
    if (!(await api.createFeature(spec.name, spec.type, spec.description))) {
      return {
        line: `${spec.name}: exists in another project`,
        problem: `${spec.name}: a flag of that name exists outside project ${api.project}`,
      };
    }
    done.push(`created (${spec.type})`);
    feature = { name: spec.name, enabled: false, strategies: [] };
  }
  const active = feature.strategies.filter((s) => s.disabled !== true);
  if (active.length === 0) {
    await api.addStrategy(spec.name, flexibleRollout(0, spec.name, []));
    done.push(`flexibleRollout 0% added (stickiness userId, groupId ${spec.name})`);
    if (spec.enable && !feature.enabled) {
      await api.setEnabled(spec.name, true);
      done.push(`enabled in ${api.environment}`);
    }
  } else {
    const problem = spec.accepts(active);
    if (problem !== null) {
      return { line: `${spec.name}: left as it is`, problem: `${spec.name}: ${problem}; fix it in Unleash` };
    }
    const groupId = param(
      active.find((s) => s.name === 'flexibleRollout'),
      'groupId',
    );
    if (spec.enable && groupId !== undefined && groupId !== spec.name) {
      done.push(`keeps groupId ${groupId} (another would reshuffle users)`);
    }
    if (spec.enable && !feature.enabled) done.push(`left disabled in ${api.environment}`);
  }
  return { line: `${spec.name}: ${done.length > 0 ? done.join('; ') : 'already set up'}`, problem: null };
}
