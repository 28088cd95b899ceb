import { evaluate, switchyardFlags, targetingKeyOf } from '../../../src/admin/ofrep/evaluate.js';
import type { Assignment } from '../../../src/routing/types.js';

const [rollout, shadow, baseline] = switchyardFlags({ rollout: 'r', shadow: 's', baseline: 'b' }) as [
  ReturnType<typeof switchyardFlags>[number],
  ReturnType<typeof switchyardFlags>[number],
  ReturnType<typeof switchyardFlags>[number],
];

describe('OFREP evaluation of the proxy decision', () => {
  it.each<[Assignment, string, string, string]>([
    [{ serve: 'user', shadow: 'legacy', reason: 'rollout' }, 'user', 'legacy', 'SPLIT'],
    [{ serve: 'legacy', shadow: 'none', reason: 'not-in-rollout' }, 'legacy', 'none', 'SPLIT'],
    [{ serve: 'user', shadow: 'none', reason: 'override' }, 'user', 'none', 'TARGETING_MATCH'],
    [{ serve: 'legacy', shadow: 'none', reason: 'rollback' }, 'legacy', 'none', 'DISABLED'],
  ])('%j -> rollout %s, shadow %s, reason %s', (assignment, serve, shadowed, reason) => {
    expect(evaluate(rollout, assignment)).toEqual({
      key: 'r',
      value: serve,
      variant: serve,
      reason,
      metadata: { switchyardReason: assignment.reason },
    });
    expect(evaluate(shadow, assignment)).toMatchObject({ key: 's', value: shadowed, reason });
  });

  it('leaves a copy to the serving engine itself (the noise baseline) out of the shadow flag', () => {
    expect(evaluate(shadow, { serve: 'user', shadow: 'user', reason: 'rollout' })).toMatchObject({
      value: 'none',
    });
    expect(evaluate(baseline, { serve: 'user', shadow: 'user', reason: 'rollout' })).toMatchObject({
      key: 'b',
      value: 'user',
    });
    expect(evaluate(baseline, { serve: 'user', shadow: 'legacy', reason: 'rollout' })).toMatchObject({
      value: 'none',
    });
  });

  it('answers no value when the flags are unknown, so the caller keeps its default', () => {
    expect(evaluate(rollout, { serve: 'legacy', shadow: 'none', reason: 'flags-unavailable' })).toEqual({
      key: 'r',
      errorCode: 'GENERAL',
      errorDetails: 'no decision: flags-unavailable',
    });
  });
});

describe('targetingKeyOf', () => {
  it.each<[unknown, string]>([
    [undefined, 'TARGETING_KEY_MISSING'],
    [{}, 'TARGETING_KEY_MISSING'],
    [{ context: {} }, 'TARGETING_KEY_MISSING'],
    [{ context: { targetingKey: '' } }, 'TARGETING_KEY_MISSING'],
    [{ context: { targetingKey: 5 } }, 'INVALID_CONTEXT'],
    [{ context: { targetingKey: 'x'.repeat(257) } }, 'INVALID_CONTEXT'],
    [{ context: 'alice' }, 'INVALID_CONTEXT'],
    [[1], 'PARSE_ERROR'],
    ['alice', 'PARSE_ERROR'],
  ])('%j -> %s', (body, errorCode) => {
    expect(targetingKeyOf(body, 256)).toMatchObject({ errorCode });
  });

  it('takes context.targetingKey as the user id', () => {
    expect(targetingKeyOf({ context: { targetingKey: 'alice', plan: 'pro' } }, 256)).toEqual({
      userId: 'alice',
    });
  });
});
