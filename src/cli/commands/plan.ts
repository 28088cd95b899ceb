import type { PlanView } from '../../../console/src/api-types.js';
import { parsePercent, parsePositiveInt, stringOption } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { UsageError } from '../errors.js';
import { formatPlan } from '../format/plan.js';

const ACTIONS = ['show', 'set', 'start', 'approve', 'pause', 'resume', 'abort'] as const;
type Action = (typeof ACTIONS)[number];

/** `1,5,25` -> [1, 5, 25]; a bad entry is a usage error naming the flag. */
function percents(raw: string, flag: string): number[] {
  if (raw.trim() === '') return [];
  try {
    return raw.split(',').map((p) => parsePercent(p));
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}

/** `plan set`'s flags as `PUT /admin/plan`'s body; unset flags take the server's defaults. */
export function planBody(options: CommandContext['options']): Record<string, unknown> {
  const steps = stringOption(options, 'steps');
  if (steps === undefined) throw new UsageError('plan set needs --steps, e.g. --steps 1,5,25,50,100');
  const body: Record<string, unknown> = { steps: percents(steps, '--steps') };
  const seconds = stringOption(options, 'min-step-seconds');
  if (seconds !== undefined) {
    if (!/^\d+$/.test(seconds.trim()))
      throw new UsageError(`--min-step-seconds must be a whole number, not "${seconds}"`);
    body['minStepSeconds'] = Number(seconds);
  }
  const ints = [
    ['min-comparisons', 'minComparisons'],
    ['min-users', 'minUsers'],
  ] as const;
  for (const [flag, field] of ints) {
    const v = stringOption(options, flag);
    if (v !== undefined) body[field] = parsePositiveInt(v, `--${flag}`);
  }
  const approvals = stringOption(options, 'approvals');
  if (approvals !== undefined) body['approvals'] = percents(approvals, '--approvals');
  if (options['baseline-first'] === true) body['baselineFirst'] = true;
  for (const [flag, field] of [
    ['baseline-percent', 'baselinePercent'],
    ['shadow-percent', 'shadowPercent'],
  ] as const) {
    const v = stringOption(options, flag);
    if (v !== undefined) body[field] = parsePercent(v);
  }
  return body;
}

export const plan: Command = {
  name: 'plan',
  usage:
    'plan show|set|start|approve|pause|resume|abort [--steps 1,5,25,50,100] [--min-step-seconds S] [--min-comparisons N] [--min-users N] [--approvals 50] [--baseline-first] [--baseline-percent P] [--shadow-percent P] [--reason TEXT]',
  summary: "the release plan: ramps the rollout step by step on the guard's evidence",
  args: { min: 1, max: 1 },
  options: {
    steps: { type: 'string', value: 'P,P,..', description: 'set: rollout percentages, rising' },
    'min-step-seconds': { type: 'string', value: 'S', description: 'set: least time per step (default 600)' },
    'min-comparisons': { type: 'string', value: 'N', description: 'set: comparisons per step (default 200)' },
    'min-users': { type: 'string', value: 'N', description: 'set: distinct users per step (default 20)' },
    approvals: { type: 'string', value: 'P,..', description: 'set: steps that wait for `plan approve`' },
    'baseline-first': { type: 'boolean', description: 'set: measure the noise floors before the first step' },
    'baseline-percent': {
      type: 'string',
      value: 'P',
      description: 'set: the baseline percentage (default 5)',
    },
    'shadow-percent': { type: 'string', value: 'P', description: 'set: the shadow percentage (default 100)' },
    reason: { type: 'string', value: 'TEXT', description: 'start..abort: why, for the audit log' },
  },
  async run(ctx) {
    const action = ctx.args[0] as Action;
    if (!ACTIONS.includes(action)) {
      throw new UsageError(`plan takes one of ${ACTIONS.join(', ')}, not "${ctx.args[0]}"`);
    }
    const client = await ctx.client();
    let view: PlanView;
    if (action === 'show') view = await client.get<PlanView>('/admin/plan', { feature: 'the release plan' });
    else if (action === 'set') view = await client.put<PlanView>('/admin/plan', planBody(ctx.options));
    else {
      const reason = stringOption(ctx.options, 'reason');
      view = await client.post<PlanView>(`/admin/plan/${action}`, reason === undefined ? {} : { reason });
    }
    return { data: view, text: formatPlan(view, Date.now()) };
  },
};
