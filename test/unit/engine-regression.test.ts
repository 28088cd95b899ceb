import { pickDivergence, promptShare } from '../../engines/runs/divergence.js';

const regression = { kind: 'missing_event' as const, fraction: 0.15 };
const noise = { kind: 'tool' as const, fraction: 0.08 };
const prompts = Array.from({ length: 4000 }, (_, i) => `cost question ${i}`);

describe("the reference engines' regression fault (prompt-keyed, unlike noise)", () => {
  it('takes its fraction of prompts, the same ones every time and in every session', () => {
    const taken = prompts.filter((p) => pickDivergence(p, null, () => 0.99, regression) === 'missing_event');
    expect(taken.length / prompts.length).toBeGreaterThan(0.13);
    expect(taken.length / prompts.length).toBeLessThan(0.17);
    // Another session's draw of noise changes nothing for those prompts: both sessions diverge alike.
    for (const p of taken) expect(pickDivergence(p, noise, () => 0, regression)).toBe('missing_event');
    expect(prompts.every((p) => promptShare(p) >= 0 && promptShare(p) < 1)).toBe(true);
  });

  it('leaves the other prompts to the noise, and a marker in the prompt still wins', () => {
    const spared = prompts.find((p) => promptShare(p) >= regression.fraction)!;
    expect(pickDivergence(spared, noise, () => 0, regression)).toBe('tool');
    expect(pickDivergence(spared, noise, () => 0.99, regression)).toBeNull();
    expect(pickDivergence('#diverge:failure', noise, () => 0.99, { kind: 'tool', fraction: 1 })).toBe(
      'failure',
    );
  });
});
