import fc from 'fast-check';
import { diffRuns } from '../../../src/compare/diff.js';
import type { Judgement } from '../../../src/compare/judgement.js';
import type { Run } from '../../../src/compare/runs.js';
import { bridge, emitter, events, HAPPY, IDS_A, IDS_B, replace, run, type Step } from './frames.js';

const THINK: Step = { type: 'agent_thinking', status: 'thinking' };
const FAILED_ERROR: Step = { type: 'agent_error', status: 'error', error: 'Agent timed out' };
const FAILED_COMPLETED: Step = { type: 'agent_completed', status: 'failed' };

/** Control on legacy in the bridge envelope; the candidate on the user engine in the emitter's. */
function judge(control: readonly Step[], candidate: readonly Step[], options = {}): Judgement {
  return diffRuns(
    { engine: 'legacy', run: run(events(control, bridge, IDS_A, 1_000, 10), 1_000) },
    { engine: 'user', run: run(events(candidate, emitter, IDS_B, 5_000, 13), 5_000) },
    options,
  );
}

describe('diffRuns', () => {
  it('matches identical runs told in different envelopes, with different ids and timestamps', () => {
    const j = judge(HAPPY, HAPPY);
    expect(j.result).toBe('match');
    expect(j.kinds).toEqual([]);
    expect(j.control.engine).toBe('legacy');
    expect(j.candidate.engine).toBe('user');
  });

  it('matches when the candidate only thinks more, in a row or between tools', () => {
    const more = [HAPPY[0]!, THINK, THINK, THINK, HAPPY[2]!, HAPPY[3]!, THINK, HAPPY[4]!];
    expect(judge(HAPPY, more).result).toBe('match');
    expect(judge(more, HAPPY).result).toBe('match');
  });

  it('reports missing_event when the candidate never thinks at all', () => {
    const j = judge(
      HAPPY,
      HAPPY.filter((s) => s.type !== 'agent_thinking'),
    );
    expect(j.kinds).toEqual(['missing_event']);
    expect(j.details.missing).toEqual(['agent_thinking']);
  });

  it('reports missing_event when the candidate lacks an event control has', () => {
    const j = judge(
      HAPPY,
      HAPPY.filter((s) => s.type !== 'agent_started'),
    );
    expect(j).toMatchObject({ result: 'mismatch', kinds: ['missing_event'] });
    expect(j.details.missing).toEqual(['agent_started']);
  });

  it('reports extra_event (and tool) when the candidate calls one more tool', () => {
    const extra = [...HAPPY.slice(0, 4), HAPPY[2]!, HAPPY[3]!, HAPPY[4]!];
    const j = judge(HAPPY, extra);
    expect(j.kinds).toEqual(['extra_event', 'tool']);
    expect(j.details.extra).toEqual(['tool_executing', 'tool_completed']);
  });

  it('reports order when the same events come in another order', () => {
    const swapped = [HAPPY[0]!, HAPPY[1]!, HAPPY[3]!, HAPPY[2]!, HAPPY[4]!];
    const j = judge(HAPPY, swapped);
    expect(j.kinds).toEqual(['order']);
    expect(j.details.moved).toHaveLength(1);
  });

  it('reports tool when the candidate calls another tool', () => {
    const other = replace(replace(HAPPY, 2, { ...HAPPY[2]!, tool: 'usage_query' }), 3, {
      ...HAPPY[3]!,
      tool: 'usage_query',
    });
    expect(judge(HAPPY, other).kinds).toEqual(['tool']);
  });

  it('reports status when one side fails and the other completes', () => {
    expect(judge(HAPPY, replace(HAPPY, 4, FAILED_COMPLETED)).kinds).toEqual(['status']);
  });

  it('treats agent_error and agent_completed{status:"failed"} as the same outcome', () => {
    const j = judge(replace(HAPPY, 4, FAILED_ERROR), replace(HAPPY, 4, FAILED_COMPLETED));
    expect(j.result).toBe('match');
    expect([j.control.terminal, j.candidate.terminal]).toEqual(['failed', 'failed']);
  });

  it('reports error when only one side reports an error before its outcome', () => {
    const toolError = replace(HAPPY, 3, { ...HAPPY[3]!, status: 'error', error: 'quota exceeded' });
    expect(judge(HAPPY, toolError).kinds).toEqual(['error']);
  });

  it('reports field for a configured field, and only then', () => {
    const renamed = HAPPY.map((s) => ({ ...s, agent: 'TriageAgent' }));
    expect(judge(HAPPY, renamed).result).toBe('match');
    const j = judge(HAPPY, renamed, { fields: { agent_started: ['agent'] } });
    expect(j.kinds).toEqual(['field']);
    expect(j.details.fields).toEqual(['agent_started#0.agent']);
    expect(judge(HAPPY, renamed, { fields: { '*': ['agent'] } }).details.fields).toHaveLength(HAPPY.length);
  });

  it('reports timings without judging them when no latency ratio is configured', () => {
    const j = judge(HAPPY, HAPPY);
    expect(j.timings).toEqual({
      control: { firstEventMs: 10, durationMs: 50 },
      candidate: { firstEventMs: 13, durationMs: 65 },
    });
    const slow = diffRuns(
      { engine: 'legacy', run: run(events(HAPPY, bridge, IDS_A, 0, 10)) },
      { engine: 'user', run: run(events(HAPPY, emitter, IDS_B, 0, 1_000)) },
    );
    expect(slow.result).toBe('match');
  });

  it('counts a candidate slower than the configured ratio as a field mismatch on its timing', () => {
    const control = { engine: 'legacy' as const, run: run(events(HAPPY, bridge, IDS_A, 0, 100)) };
    const slow = { engine: 'user' as const, run: run(events(HAPPY, emitter, IDS_B, 0, 300)) };
    const j = diffRuns(control, slow, { maxLatencyRatio: 2 });
    expect(j.kinds).toEqual(['field']);
    expect(j.details.fields).toEqual(['timing.firstEventMs', 'timing.durationMs']);
    expect(diffRuns(control, slow, { maxLatencyRatio: 2, minLatencyDeltaMs: 500 }).details.fields).toEqual([
      'timing.durationMs',
    ]);
    expect(diffRuns(slow, control, { maxLatencyRatio: 2 }).result).toBe('match');
  });

  it('judges a run incomplete when one side did not reach its terminal event', () => {
    const timedOut: Run = run(events(HAPPY.slice(0, 3), emitter, IDS_B), 0, { endedAt: 30_000 });
    const j = diffRuns(
      { engine: 'legacy', run: run(events(HAPPY, bridge, IDS_A)) },
      { engine: 'user', run: timedOut },
    );
    expect(j).toMatchObject({ result: 'incomplete', kinds: [], incompleteReason: 'timeout' });
    expect(j.timings.candidate.durationMs).toBeNull();
  });

  it('judges a run incomplete when a side overran the event cap', () => {
    const full = run(events(HAPPY, bridge, IDS_A), 0, { droppedEvents: 3 });
    const j = diffRuns(
      { engine: 'legacy', run: full },
      { engine: 'user', run: run(events(HAPPY, emitter, IDS_B)) },
    );
    expect(j).toMatchObject({ result: 'incomplete', incompleteReason: 'overflow' });
  });

  it('judges a leak as isolation, attributed to the engine that leaked, before anything else', () => {
    const control = { engine: 'legacy' as const, run: run(events(HAPPY, bridge, IDS_A)), leaked: true };
    const candidate = { engine: 'user' as const, run: run([], 0, { end: 'timeout' }) };
    expect(diffRuns(control, candidate)).toMatchObject({
      result: 'isolation',
      leakedBy: ['legacy'],
      kinds: [],
    });
    expect(diffRuns(control, { ...candidate, leaked: true }).leakedBy).toEqual(['legacy', 'user']);
    expect(diffRuns({ ...control, leaked: false }, { ...candidate, leaked: true }).leakedBy).toEqual([
      'user',
    ]);
  });

  it('matches any run against itself in the other envelope, with any extra thinking', () => {
    const step = fc.constantFrom<Step>(...HAPPY.slice(1, 4), THINK, { type: 'agent_thinking' });
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 30 }),
        fc.array(fc.nat(30), { maxLength: 10 }),
        (middle, at) => {
          const steps = [HAPPY[0]!, THINK, ...middle, HAPPY[4]!];
          const more = [...steps];
          for (const i of at) more.splice(1 + Math.min(i, more.length - 2), 0, THINK);
          expect(judge(steps, more).result).toBe('match');
        },
      ),
    );
  });

  it('finds a mismatch whenever a non-thinking event is dropped from the candidate', () => {
    const step = fc.constantFrom<Step>(...HAPPY.slice(1, 4));
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), fc.nat(), (middle, pick) => {
        const steps = [HAPPY[0]!, THINK, ...middle, HAPPY[4]!];
        const candidates = steps.map((s, i) => [s, i] as const).filter(([s]) => s.type !== 'agent_thinking');
        const [, drop] = candidates[pick % candidates.length]!;
        if (steps[drop]!.type === 'agent_completed') return;
        const j = judge(
          steps,
          steps.filter((_, i) => i !== drop),
        );
        expect(j.kinds).toContain('missing_event');
      }),
    );
  });
});
