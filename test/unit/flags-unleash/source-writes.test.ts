import { FlagsInUnleashError, UnleashUnavailableError } from '../../../src/flags/unleash/errors.js';
import { metaPayload } from '../../../src/flags/unleash/strategies.js';
import type { FlagState, RollbackTrigger } from '../../../src/routing/types.js';
import { names, useFakeUnleash, waitFor } from './helpers.js';

const unleash = useFakeUnleash({ seed: { rollout: 10 } });
const started = (admin: boolean) => unleash.started({ admin });

const percent = (p: number) => (s: FlagState) => ({ ...s, rollout: { ...s.rollout, percent: p } });
const rollback = (trigger: RollbackTrigger, reason: string | null) => (s: FlagState) => ({
  ...s,
  rollback: { engaged: true, trigger, reason, at: new Date().toISOString() },
});
const resume = (s: FlagState) => ({
  ...s,
  rollback: { engaged: false, trigger: null, reason: null, at: null },
});
const mainRollout = () =>
  unleash.fake.env(names.rollout)?.strategies.find((s) => !s.title)?.parameters?.rollout;

describe('the Unleash flag source without an admin token', () => {
  it('refuses percentage and override changes with a 409 that points at Unleash', async () => {
    const { source: s } = await started(false);
    const err = await s.update(percent(50)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlagsInUnleashError);
    expect(err).toMatchObject({ status: 409, code: 'flags_in_unleash' });
    expect((err as Error).message).toContain('change switchyard-rollout in Unleash');
    expect(s.current()?.rollout.percent).toBe(10);
  });

  it('rolls back this instance only, with a warning, until it is resumed here', async () => {
    const { source: s, lines } = await started(false);
    await s.update(rollback('manual', 'spike'));
    expect(s.current()?.rollback).toMatchObject({ engaged: true, trigger: 'manual', reason: 'spike' });
    expect(lines.some((l) => l.level === 40 && l.msg.includes('this instance only'))).toBe(true);
    expect(s.status().problem).toContain('rollback engaged on this instance only');
    expect(unleash.fake.env(names.rollout)?.enabled).toBe(true);
    await s.update(resume);
    expect(s.current()?.rollback.engaged).toBe(false);
  });

  it('hands a local rollback over to Unleash once Unleash shows it, so a resume there releases it', async () => {
    const { source: s } = await started(false);
    await s.update(rollback('manual', 'spike'));
    unleash.fake.put(names.rollout, false, unleash.fake.env(names.rollout)!.strategies);
    await waitFor(() => s.current()?.rollback.trigger === 'external');
    unleash.fake.put(names.rollout, true, unleash.fake.env(names.rollout)!.strategies);
    await waitFor(() => s.current()?.rollback.engaged === false);
  });
});

describe('the Unleash flag source with an admin token', () => {
  it('applies a percentage at once and writes it to the main flexibleRollout strategy', async () => {
    const { source: s } = await started(true);
    const { source: other } = await started(true);
    const done = s.update(percent(35));
    expect(s.current()?.rollout.percent).toBe(35);
    await done;
    expect(mainRollout()).toBe('35');
    await waitFor(() => other.current()?.rollout.percent === 35);
  });

  it('writes overrides as the NOT_IN constraint and the userId IN override, notes on the meta flag', async () => {
    const { source: s } = await started(true);
    await s.update((st) => ({
      ...st,
      overrides: new Map([
        ['ann', { serve: 'legacy' }],
        ['bob', { serve: 'user', note: 'staff' }],
      ]),
    }));
    const strategies = unleash.fake.env(names.rollout)!.strategies;
    expect(strategies.find((x) => !x.title)?.constraints).toEqual([
      { contextName: 'userId', operator: 'NOT_IN', values: ['ann'] },
    ]);
    expect(strategies.find((x) => x.title)?.constraints).toEqual([
      { contextName: 'userId', operator: 'IN', values: ['bob'] },
    ]);
    expect(
      JSON.parse(metaPayload({ name: names.meta, enabled: false, ...unleash.fake.env(names.meta) })!),
    ).toEqual({
      overrideNotes: { bob: 'staff' },
    });
    await s.update((st) => ({ ...st, overrides: new Map() }));
    expect(unleash.fake.env(names.rollout)!.strategies).toHaveLength(1);
  });

  it('rolls back at once, disables the flag with its trigger and reason, and another replica reads them', async () => {
    const { source: s } = await started(true);
    const { source: other } = await started(true);
    const done = s.update(rollback('guard', 'p95 +40%'));
    expect(s.current()?.rollback.engaged).toBe(true);
    await done;
    expect(unleash.fake.env(names.rollout)?.enabled).toBe(false);
    await waitFor(() => other.current()?.rollback.engaged === true);
    expect(other.current()?.rollback).toMatchObject({ trigger: 'guard', reason: 'p95 +40%' });
    await other.update(resume);
    await waitFor(() => s.current()?.rollback.engaged === false);
    expect(unleash.fake.env(names.rollout)?.enabled).toBe(true);
    expect(unleash.fake.env(names.rollout)?.strategies.find((x) => !x.title)?.parameters?.rollout).toBe('10');
  });

  it('reads a flag disabled directly in Unleash as a rollback from outside', async () => {
    const { source: s } = await started(true);
    await s.update(rollback('manual', 'x'));
    await s.update(resume);
    unleash.fake.put(names.rollout, false, unleash.fake.env(names.rollout)!.strategies);
    // Right after its own resume, the instance trusts what it wrote for a grace period (2.5 s).
    await waitFor(() => s.current()?.rollback.engaged === true);
    expect(s.current()?.rollback.trigger).toBe('external');
  });

  it('clears the record of a rollback resumed in the Unleash UI, so a later disable reads as external', async () => {
    const { source: s } = await started(true);
    await s.update((st) => ({
      ...st,
      rollback: { engaged: true, trigger: 'manual', reason: 'old', at: '2020-01-01T00:00:00.000Z' },
    }));
    const polls = unleash.fake.clientPolls;
    await waitFor(() => unleash.fake.clientPolls >= polls + 3); // a few polls: Unleash shows the rollback
    unleash.fake.put(names.rollout, true, unleash.fake.env(names.rollout)!.strategies);
    await waitFor(
      () => metaPayload({ name: names.meta, enabled: false, ...unleash.fake.env(names.meta) }) === null,
      2000,
    );
    unleash.fake.put(names.rollout, false, unleash.fake.env(names.rollout)!.strategies);
    await waitFor(() => s.current()?.rollback.trigger === 'external');
  });

  it('holds a rollback made while Unleash is down, and writes it when Unleash is back', async () => {
    const { source: s } = await started(true);
    await unleash.fake.stop();
    await s.update(rollback('manual', 'during outage'));
    expect(s.current()?.rollback.engaged).toBe(true);
    expect(s.status().problem).toContain('not yet written to Unleash');
    await unleash.fake.restart();
    await waitFor(() => unleash.fake.env(names.rollout)?.enabled === false);
    await waitFor(() => s.status().problem === null);
    expect(s.current()?.rollback).toMatchObject({
      engaged: true,
      trigger: 'manual',
      reason: 'during outage',
    });
  }, 15_000);

  it('releases a rollback that never reached Unleash where it was made, and never writes it later', async () => {
    const { source: s } = await started(true);
    await unleash.fake.stop();
    await s.update(rollback('manual', 'oops'));
    await s.update(resume);
    expect(s.current()?.rollback.engaged).toBe(false);
    await unleash.fake.restart();
    // A held rollback is written after a successful poll; after three, and with the write queue
    // drained, a write that was going to happen has happened.
    const polls = unleash.fake.clientPolls;
    await waitFor(() => unleash.fake.clientPolls >= polls + 3, 10_000);
    await s.close();
    expect(unleash.fake.env(names.rollout)?.enabled).toBe(true);
    expect(s.current()?.rollback.engaged).toBe(false);
  });

  it('undoes a percentage that cannot reach Unleash and answers 503', async () => {
    const { source: s } = await started(true);
    await unleash.fake.stop();
    const err = await s.update(percent(60)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnleashUnavailableError);
    expect(s.current()?.rollout.percent).toBe(10);
  });
});
