import type { FlagState } from '../../routing/types.js';
import type { UnleashAdminApi } from './admin-api.js';
import { UnleashRefusedError } from './errors.js';
import { readFeatures, type Reading } from './features.js';
import { metaBlock, type Part } from './parts.js';
import {
  excludedIds,
  flexibleRollout,
  metaPayload,
  metaVariants,
  notIn,
  param,
  overriddenIds,
  pinStrategy,
  roleOf,
  type UnleashFeature,
  type UnleashFlagNames,
  type UnleashStrategy,
} from './strategies.js';

type AdminFeature = UnleashFeature & { strategies: UnleashStrategy[] };

/**
 * Writes parts of a flag state to Unleash through its admin API, touching only what differs (so
 * a repeated write changes nothing and creates no event in Unleash). A rollback writes its trigger
 * and reason to the meta flag before it disables the rollout flag, and a resume enables the flag
 * before it clears them, so a replica never reads a rollback without its record, nor a stale one.
 */
export class UnleashWriter {
  constructor(
    private readonly api: UnleashAdminApi,
    private readonly names: UnleashFlagNames,
    /** Where a problem that does not stop the write is told (the log, or the CLI's stderr). */
    private readonly warn: (message: string) => void,
  ) {}

  /** The flags as the admin API sees them now. */
  async read(): Promise<Reading> {
    const features = await Promise.all(
      [this.names.rollout, this.names.shadow, this.names.meta].map((n) => this.api.feature(n)),
    );
    return readFeatures(
      features.filter((f): f is AdminFeature => f !== null),
      this.names,
    );
  }

  async write(target: FlagState, parts: ReadonlySet<Part>): Promise<void> {
    if (parts.has('rollout')) await this.writeRollout(target);
    if (parts.has('shadow')) await this.writeShadow(target);
    const engaging = parts.has('rollback') && target.rollback.engaged;
    if (engaging) await this.writeMeta(target).catch((err: Error) => this.metaFailed(err));
    else if (parts.has('notes')) await this.writeMeta(target);
    if (parts.has('rollback')) await this.api.setEnabled(this.names.rollout, !target.rollback.engaged);
    if (parts.has('rollback') && !engaging) await this.writeMeta(target);
  }

  /** Clears a rollback record left on the meta flag by a resume made outside Switchyard. */
  async clearRollbackRecord(current: FlagState): Promise<void> {
    await this.writeMeta({ ...current, rollback: { engaged: false, trigger: null, reason: null, at: null } });
  }

  private async writeRollout(target: FlagState): Promise<void> {
    const flag = this.names.rollout;
    const feature = await this.require(flag);
    const mains = feature.strategies.filter((s) => roleOf(s) === 'main');
    const overrideStrategies = feature.strategies.filter((s) => roleOf(s) === 'override');
    const [main] = mains;
    if (mains.length !== 1 || main?.id === undefined) {
      throw new UnleashRefusedError(
        `${flag} in Unleash has ${mains.length} flexibleRollout strategies without a userId IN constraint; ` +
          'Switchyard edits exactly one: fix the flag in Unleash (or run `switchyard flags init` on a new one)',
      );
    }
    const legacy = [...target.overrides].filter(([, o]) => o.serve === 'legacy').map(([id]) => id);
    const user = [...target.overrides].filter(([, o]) => o.serve === 'user').map(([id]) => id);
    const stickiness = param(main, 'stickiness') ?? 'userId';
    const desired = {
      ...main,
      ...flexibleRollout(target.rollout.percent, target.rollout.groupId, notIn(legacy), stickiness),
    };
    const writeMain = async (): Promise<void> => {
      if (signature(main) !== signature(desired)) await this.api.updateStrategy(flag, main.id!, desired);
    };
    const writeOverrides = () => this.writeOverrides(flag, overrideStrategies, user);
    // Additions first, so that a replica polling between two writes sees the old override or the new one.
    const legacyAdded = legacy.some((id) => !excludedIds(main).includes(id));
    for (const step of legacyAdded ? [writeMain, writeOverrides] : [writeOverrides, writeMain]) await step();
  }

  private async writeOverrides(flag: string, pins: UnleashStrategy[], user: string[]): Promise<void> {
    const editable = overrideStrategies.filter((p) => p.name === 'flexibleRollout' && p.id !== undefined);
    const [first] = user.length > 0 ? editable : [];
    if (first === undefined && user.length > 0) await this.api.addStrategy(flag, pinStrategy(flag, user));
    if (first !== undefined && !sameIds(overriddenIds(first), user)) {
      await this.api.updateStrategy(flag, first.id!, { ...first, ...pinStrategy(flag, user) });
    }
    for (const p of overrideStrategies) if (p !== first && p.id !== undefined) await this.api.deleteStrategy(flag, p.id);
  }

  private async writeShadow(target: FlagState): Promise<void> {
    const flag = this.names.shadow;
    const feature = await this.require(flag);
    const { percent, groupId } = target.shadow;
    const active = feature.strategies.filter((s) => s.disabled !== true);
    const [main] = active;
    if (main === undefined) {
      await this.api.addStrategy(flag, flexibleRollout(percent, groupId, []));
    } else if (active.length !== 1 || main.name !== 'flexibleRollout' || main.id === undefined) {
      throw new UnleashRefusedError(
        `${flag} in Unleash does not have exactly one flexibleRollout strategy: fix it in Unleash`,
      );
    } else {
      const stickiness = param(main, 'stickiness') ?? 'userId';
      const desired = { ...main, ...flexibleRollout(percent, groupId, main.constraints ?? [], stickiness) };
      if (signature(main) !== signature(desired)) await this.api.updateStrategy(flag, main.id, desired);
    }
    // Asking for a shadow percentage means shadowing: a flag switched off in Unleash is switched on.
    if (!feature.enabled && percent > 0) await this.api.setEnabled(flag, true);
  }

  /** The meta flag's record; missing flag -> a warning, as the rollback itself must go on. */
  private async writeMeta(target: FlagState): Promise<void> {
    const flag = this.names.meta;
    const feature = await this.api.feature(flag);
    if (feature === null) {
      this.warn(
        `flag ${flag} missing in Unleash: rollback reasons and override notes stay local (run \`switchyard flags init\`)`,
      );
      return;
    }
    const block = metaBlock(target);
    const text = block === null ? null : JSON.stringify(block);
    if (metaPayload(feature) === text) return;
    const [holder] = feature.strategies;
    if (holder?.id === undefined) {
      await this.api.addStrategy(flag, { ...flexibleRollout(0, flag, []), variants: metaVariants(block) });
    } else {
      await this.api.updateStrategy(flag, holder.id, { ...holder, variants: metaVariants(block) });
    }
  }

  /** A rollback goes on without its record: the flag's state is what matters. */
  private metaFailed(err: Error): void {
    this.warn(
      `could not record the rollback on ${this.names.meta} (${err.message}); disabling the rollout flag anyway`,
    );
  }

  private async require(flag: string): Promise<AdminFeature> {
    const feature = await this.api.feature(flag);
    if (feature === null) {
      throw new UnleashRefusedError(
        `flag ${flag} does not exist in Unleash project ${this.api.project}: run \`switchyard flags init\``,
      );
    }
    return feature;
  }
}

function signature(s: UnleashStrategy): string {
  const p = (name: string) => param(s, name);
  const constraints = (s.constraints ?? []).map((c) => [
    c.contextName,
    c.operator,
    [...(c.values ?? [])].sort(),
  ]);
  return JSON.stringify([p('rollout'), p('groupId'), p('stickiness'), constraints]);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
