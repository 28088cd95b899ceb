import { documentToState, emptyState, stateToDocument } from '../../../src/flags/document.js';

const names = { rollout: 'switchyard-rollout', shadow: 'switchyard-shadow', baseline: 'switchyard-baseline' };

describe('the baseline flag in the flag file', () => {
  it('round-trips with its own group id, as one flexibleRollout feature', () => {
    const state = { ...emptyState(names), baseline: { percent: 4, groupId: 'switchyard-baseline' } };
    const doc = stateToDocument(state, names);
    const feature = doc.features.find((f) => f.name === 'switchyard-baseline');
    expect(feature?.strategies).toEqual([
      expect.objectContaining({
        name: 'flexibleRollout',
        parameters: { rollout: '4', stickiness: 'userId', groupId: 'switchyard-baseline' },
      }),
    ]);
    expect(documentToState(doc, names).baseline).toEqual({ percent: 4, groupId: 'switchyard-baseline' });
  });

  it('takes the configured percentage when the file has no baseline flag, 0 when it is disabled', () => {
    const doc = stateToDocument(emptyState({ rollout: names.rollout, shadow: names.shadow }), names);
    expect(doc.features.some((f) => f.name === 'switchyard-baseline')).toBe(false);
    expect(documentToState(doc, { ...names, baselinePercent: 2 }).baseline?.percent).toBe(2);
    const disabled = {
      ...doc,
      features: [...doc.features, { name: 'switchyard-baseline', enabled: false, strategies: [] }],
    };
    expect(documentToState(disabled, { ...names, baselinePercent: 2 }).baseline?.percent).toBe(0);
  });

  it('refuses a baseline percentage out of range with a clear error', () => {
    const doc = stateToDocument(emptyState(names), names);
    const bad = {
      ...doc,
      features: doc.features.map((f) =>
        f.name === 'switchyard-baseline'
          ? { ...f, strategies: [{ name: 'flexibleRollout', parameters: { rollout: '140' } }] }
          : f,
      ),
    };
    expect(() => documentToState(bad, names)).toThrow(
      'switchyard-baseline: flexibleRollout rollout must be a number in 0..100',
    );
  });
});
