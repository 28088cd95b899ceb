import fc from 'fast-check';
import type { CanonicalEvent } from '../../../src/compare/canonical.js';
import type { Judgement } from '../../../src/compare/judgement.js';
import { SessionComparator, type SessionComparatorOptions } from '../../../src/compare/session-comparator.js';
import { bridge, emitter, events, HAPPY, IDS_A, IDS_B, type Ids } from './frames.js';

function setup(options: Partial<SessionComparatorOptions> = {}) {
  const judged: { judgement: Judgement; index: number }[] = [];
  const comparator = new SessionComparator({
    control: 'legacy',
    candidate: 'user',
    onJudgement: (judgement, index) => judged.push({ judgement, index }),
    ...options,
  });
  return { comparator, judged };
}

const ids = (n: number): Ids => ({ runId: `run-${n}`, threadId: 't', userId: 'alice' });
const controlRun = (start: number, runIds: Ids = IDS_A): CanonicalEvent[] =>
  events(HAPPY, bridge, runIds, start);
const candidateRun = (start: number, runIds: Ids = IDS_B): CanonicalEvent[] =>
  events(HAPPY, emitter, runIds, start, 12);

describe('SessionComparator', () => {
  it('says a side is in a run from its start to the terminal event of that side, and never once closed', () => {
    const { comparator, judged } = setup();
    expect(comparator.inRun('control')).toBe(false);
    comparator.onClientFrame('user_message', 0);
    expect([comparator.inRun('control'), comparator.inRun('candidate')]).toEqual([true, true]);
    controlRun(0, ids(1)).forEach((e) => comparator.onControl(e));
    // The control side ended its run; the candidate's is still open, so its frames still count.
    expect([comparator.inRun('control'), comparator.inRun('candidate')]).toEqual([false, true]);
    candidateRun(0, ids(2)).forEach((e) => comparator.onCandidate(e));
    expect(judged.map((j) => j.judgement.result)).toEqual(['match']);
    expect(comparator.inRun('candidate')).toBe(false);
    comparator.onClientFrame('user_message', 10);
    comparator.close(20);
    expect(comparator.inRun('control')).toBe(false);
  });

  it('pairs the nth control run with the nth candidate run and releases each once judged', () => {
    const { comparator, judged } = setup();
    expect(comparator.onClientFrame('user_message', 0)).toBe(true);
    controlRun(0, ids(1)).forEach((e) => comparator.onControl(e));
    expect(judged).toHaveLength(0);
    expect(comparator.onClientFrame('chat_message', 100)).toBe(true);
    controlRun(100, ids(2)).forEach((e) => comparator.onControl(e));
    candidateRun(0, ids(10)).forEach((e) => comparator.onCandidate(e));
    candidateRun(100, ids(20)).forEach((e) => comparator.onCandidate(e));
    expect(judged.map((j) => [j.index, j.judgement.result])).toEqual([
      [0, 'match'],
      [1, 'match'],
    ]);
    expect(judged[1]!.judgement.timings.candidate.firstEventMs).toBe(12);
    expect(comparator.pendingRuns()).toBe(0);
  });

  it('starts no run on pings, stop_agent or unknown client frames', () => {
    const { comparator } = setup();
    for (const type of ['ping', 'stop_agent', 'session_restore'])
      expect(comparator.onClientFrame(type, 0)).toBe(false);
    expect(comparator.pendingRuns()).toBe(0);
  });

  it('judges a run incomplete when one side times out, and releases it', () => {
    const { comparator, judged } = setup({ runTimeoutMs: 1_000 });
    comparator.onClientFrame('start_agent', 0);
    controlRun(0).forEach((e) => comparator.onControl(e));
    comparator.onCandidate(candidateRun(0)[0]!);
    expect(comparator.expire(999)).toBe(0);
    expect(comparator.expire(1_000)).toBe(1);
    expect(judged[0]!.judgement).toMatchObject({ result: 'incomplete', incompleteReason: 'timeout' });
    expect(judged[0]!.judgement.candidate.events).toHaveLength(1);
    expect(comparator.pendingRuns()).toBe(0);
  });

  it('expires old runs on any input, not only when expire() is called', () => {
    const { comparator, judged } = setup({ runTimeoutMs: 1_000 });
    comparator.onClientFrame('user_message', 0);
    comparator.onClientFrame('user_message', 5_000);
    expect(judged.map((j) => j.judgement.incompleteReason)).toEqual(['timeout']);
    expect(comparator.pendingRuns()).toBe(1);
  });

  it('judges what is left as incomplete on close and ignores anything after', () => {
    const { comparator, judged } = setup();
    comparator.onClientFrame('user_message', 0);
    comparator.onClientFrame('user_message', 1);
    comparator.close(10);
    expect(judged.map((j) => j.judgement.incompleteReason)).toEqual(['closed', 'closed']);
    expect(comparator.pendingRuns()).toBe(0);
    expect(comparator.onClientFrame('user_message', 20)).toBe(false);
    comparator.onControl(controlRun(20)[0]!);
    expect(comparator.markLeak('control')).toBe(false);
    expect(comparator.pendingRuns()).toBe(0);
  });

  it('judges a leaking run as isolation, attributed to the engine that leaked', () => {
    const { comparator, judged } = setup({ control: 'user', candidate: 'legacy' });
    comparator.onClientFrame('user_message', 0);
    expect(comparator.markLeak('candidate')).toBe(true);
    controlRun(0).forEach((e) => comparator.onControl(e));
    candidateRun(0).forEach((e) => comparator.onCandidate(e));
    expect(judged[0]!.judgement).toMatchObject({ result: 'isolation', leakedBy: ['legacy'] });
  });

  it('attributes a leak to the run the side is still in, not one it has finished', () => {
    const { comparator, judged } = setup();
    comparator.onClientFrame('user_message', 0);
    controlRun(0, ids(1)).forEach((e) => comparator.onControl(e));
    comparator.onClientFrame('user_message', 100);
    comparator.markLeak('control');
    candidateRun(0, ids(10)).forEach((e) => comparator.onCandidate(e));
    controlRun(100, ids(2)).forEach((e) => comparator.onControl(e));
    candidateRun(100, ids(20)).forEach((e) => comparator.onCandidate(e));
    expect(judged.map((j) => j.judgement.result)).toEqual(['match', 'isolation']);
    expect(comparator.markLeak('control')).toBe(false);
  });

  it('bounds the runs in flight: one more run evicts the oldest and reports it incomplete', () => {
    const { comparator, judged } = setup({ maxPendingRuns: 3 });
    for (let i = 0; i < 5; i++) comparator.onClientFrame('user_message', i);
    expect(comparator.pendingRuns()).toBe(3);
    expect(judged.map((j) => [j.index, j.judgement.incompleteReason])).toEqual([
      [0, 'evicted'],
      [1, 'evicted'],
    ]);
  });

  it('bounds the events of a run: overflow makes it incomplete', () => {
    const { comparator, judged } = setup({ maxEventsPerRun: 2 });
    comparator.onClientFrame('user_message', 0);
    controlRun(0).forEach((e) => comparator.onControl(e));
    candidateRun(0).forEach((e) => comparator.onCandidate(e));
    expect(judged[0]!.judgement).toMatchObject({ result: 'incomplete', incompleteReason: 'overflow' });
    expect(judged[0]!.judgement.control.events).toHaveLength(3);
  });

  it('says a side past the cap with one run open is overflowed, and counts unread events as dropped', () => {
    const { comparator, judged } = setup({ maxEventsPerRun: 2 });
    comparator.onClientFrame('user_message', 0);
    const control = controlRun(0);
    control.slice(0, 2).forEach((e) => comparator.onControl(e));
    expect(comparator.overflowed('control')).toBe(false); // at the cap, nothing dropped yet
    comparator.onControl(control[2]!);
    expect([comparator.overflowed('control'), comparator.overflowed('candidate')]).toEqual([true, false]);
    comparator.dropUnread('control');
    comparator.dropUnread('control');
    control.filter((e) => e.type === 'agent_completed').forEach((e) => comparator.onControl(e));
    candidateRun(0).forEach((e) => comparator.onCandidate(e));
    const judgement = judged[0]!.judgement;
    expect(judgement).toMatchObject({ result: 'incomplete', incompleteReason: 'overflow' });
    expect(judgement.control).toMatchObject({ complete: true, terminal: 'completed', droppedEvents: 3 });
  });

  it('is never overflowed with two runs open (an event must be read to know its run)', () => {
    const { comparator } = setup({ maxEventsPerRun: 1 });
    comparator.onClientFrame('user_message', 0);
    comparator.onClientFrame('user_message', 1);
    controlRun(0, ids(1))
      .slice(0, 3)
      .forEach((e) => comparator.onControl(e));
    expect(comparator.overflowed('control')).toBe(false);
  });

  it('never lets a failing judgement callback reach the caller', () => {
    const errors: unknown[] = [];
    const comparator = new SessionComparator({
      control: 'legacy',
      candidate: 'user',
      onJudgement: () => {
        throw new Error('metrics down');
      },
      onError: (e) => errors.push(e),
    });
    comparator.onClientFrame('user_message', 0);
    expect(() => comparator.close(1)).not.toThrow();
    expect(errors).toHaveLength(1);
    expect(comparator.pendingRuns()).toBe(0);
  });

  it('judges every run exactly once and holds nothing after close, for any interleaving', () => {
    type Op =
      { kind: 'start' } | { kind: 'control' | 'candidate'; step: number; run: number } | { kind: 'leak' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant<Op>({ kind: 'start' }),
      fc.record({
        kind: fc.constantFrom('control' as const, 'candidate' as const),
        step: fc.nat(HAPPY.length - 1),
        run: fc.nat(4),
      }),
      fc.constant<Op>({ kind: 'leak' }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const { comparator, judged } = setup({ maxPendingRuns: 3, runTimeoutMs: 40 });
        let started = 0;
        ops.forEach((o, at) => {
          if (o.kind === 'start') started += comparator.onClientFrame('user_message', at) ? 1 : 0;
          else if (o.kind === 'leak') comparator.markLeak('candidate');
          else {
            const envelope = o.kind === 'control' ? bridge : emitter;
            const event = events([HAPPY[o.step]!], envelope, ids(o.run), at - 10)[0]!;
            comparator.onEvent(o.kind, event);
          }
          expect(comparator.pendingRuns()).toBeLessThanOrEqual(3);
        });
        comparator.close(ops.length);
        expect(comparator.pendingRuns()).toBe(0);
        expect(judged.map((j) => j.index).sort((a, b) => a - b)).toEqual([...Array(started).keys()]);
      }),
    );
  });
});
