import { parsePlan } from '../../../src/plan/validate.js';
import { SwitchyardError } from '../../../src/errors/switchyard-error.js';

function problems(body: unknown): string {
  try {
    parsePlan(body);
  } catch (err) {
    expect(err).toBeInstanceOf(SwitchyardError);
    expect((err as SwitchyardError).status).toBe(400);
    return (err as Error).message;
  }
  throw new Error('the plan was accepted');
}

describe('release plan validation', () => {
  it('fills in the documented defaults', () => {
    expect(parsePlan({ steps: [1, 5, 25, 50, 100] })).toEqual({
      steps: [1, 5, 25, 50, 100],
      minStepSeconds: 600,
      minComparisons: 200,
      minUsers: 20,
      approvals: [],
      baselineFirst: false,
      baselinePercent: 5,
      shadowPercent: 100,
    });
  });

  it('refuses a step that lowers or repeats the percentage', () => {
    expect(problems({ steps: [1, 25, 5, 100] })).toMatch(/5% after 25% would lower or repeat the percentage/);
    expect(problems({ steps: [5, 5] })).toMatch(/5% after 5%/);
  });

  it('names every problem at once', () => {
    const message = problems({
      steps: [0, 101],
      minUsers: 0,
      approvals: [3],
      colour: 'red',
      baselineFirst: 'yes',
    });
    for (const part of [
      'each step must be 1..100',
      'minUsers must be at least 1',
      'baselineFirst must be true or false',
      'unknown field(s): colour',
    ]) {
      expect(message).toContain(part);
    }
  });

  it('refuses an approval that is not a step, and a plan without steps', () => {
    expect(problems({ steps: [1, 50], approvals: [25] })).toBe('approval 25% is not one of the steps');
    expect(problems({})).toMatch(/steps must be an array/);
    expect(problems({ steps: [] })).toMatch(/at least one percentage/);
  });
});
