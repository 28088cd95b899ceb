import { diffRuns } from '../../../src/compare/diff.js';
import { DivergenceBuilder, REDACTED } from '../../../src/compare/divergence-builder.js';
import { diffHttp } from '../../../src/compare/http-diff.js';
import type { Judgement } from '../../../src/compare/judgement.js';
import { bridge, emitter, events, HAPPY, IDS_A, IDS_B, replace, run, type Step } from './frames.js';

const hash = (s: string): string => `h(${s.length})`;
const failing = replace(HAPPY, 4, { type: 'agent_error', error: 'secret customer text' });

function judgement(
  controlSteps: readonly Step[] = HAPPY,
  candidateSteps: readonly Step[] = failing,
): Judgement {
  return diffRuns(
    { engine: 'legacy', run: run(events(controlSteps, bridge, IDS_A)) },
    { engine: 'user', run: run(events(candidateSteps, emitter, IDS_B)) },
  );
}

describe('DivergenceBuilder', () => {
  it('numbers the records of each book in order, with their time', () => {
    const builder = new DivergenceBuilder({ hash });
    const baseline = new DivergenceBuilder({ hash, source: 'baseline' });
    const built = [0, 1, 2].map((i) => builder.fromRun(judgement(), { at: i * 1000, session: `s${i}` })!);
    expect(built.map((d) => [d.id, d.session, d.source])).toEqual([
      ['1', 's0', 'cross'],
      ['2', 's1', 'cross'],
      ['3', 's2', 'cross'],
    ]);
    expect(built[2]!.at).toBe('1970-01-01T00:00:02.000Z');
    expect(baseline.fromRun(judgement(), { at: 0 })).toMatchObject({ id: 'b1', source: 'baseline' });
  });

  it('builds nothing for a match', () => {
    const builder = new DivergenceBuilder({ hash });
    expect(builder.fromRun(judgement(HAPPY, HAPPY), { at: 0 })).toBeNull();
    expect(builder.fromRun(judgement(), { at: 0 })?.id).toBe('1');
  });

  it('hashes user, run and thread ids and redacts error text in the record', () => {
    const builder = new DivergenceBuilder({ hash });
    const stored = builder.fromRun(judgement(), { at: 0, session: 'sess-1', runIndex: 2 })!;
    expect(stored).toMatchObject({ result: 'mismatch', kinds: ['status'], session: 'sess-1', runIndex: 2 });
    const all = [...stored.control.events, ...stored.candidate.events];
    const text = JSON.stringify(stored);
    for (const raw of [IDS_A.runId, IDS_B.runId, IDS_B.threadId, 'alice', 'secret customer text']) {
      expect(text).not.toContain(raw);
    }
    expect(all.filter((e) => e.userId !== null).every((e) => e.userId === hash('alice'))).toBe(true);
    expect(stored.candidate.events.at(-1)?.error).toBe(REDACTED);
  });

  it('keeps error text when redaction is switched off, and still hashes ids', () => {
    const builder = new DivergenceBuilder({ hash, redactText: false });
    const stored = builder.fromRun(judgement(), { at: 0 })!;
    expect(stored.candidate.events.at(-1)?.error).toBe('secret customer text');
    expect(stored.candidate.events[0]?.runId).toBe(hash(IDS_B.runId));
  });

  it('records a leaked run as isolation, with the engine that leaked', () => {
    const builder = new DivergenceBuilder({ hash });
    const isolation = diffRuns(
      { engine: 'legacy', run: run(events(HAPPY, bridge, IDS_A)), leaked: true },
      { engine: 'user', run: run(events(HAPPY, emitter, IDS_B)) },
    );
    expect(builder.fromRun(isolation, { at: 1 })).toMatchObject({
      result: 'isolation',
      leakedBy: ['legacy'],
    });
  });

  it('bounds the events kept per side, keeping the terminal one', () => {
    const builder = new DivergenceBuilder({ hash, maxEventsPerSide: 3 });
    const stored = builder.fromRun(judgement(), { at: 0 })!;
    expect(stored.candidate.events.map((e) => e.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'agent_error',
    ]);
    expect(stored.candidate.omittedEvents).toBe(2);
  });

  it('stores an HTTP divergence with both statuses and the differing paths, never the bodies', () => {
    const builder = new DivergenceBuilder({ hash });
    const diff = diffHttp(
      { status: 200, body: '{"answer":"private"}', contentType: 'application/json' },
      { status: 500, body: '{"answer":"other"}', contentType: 'application/json' },
    );
    const stored = builder.fromHttp(diff, {
      at: 0,
      route: 'agent-execute',
      control: { engine: 'legacy', status: 200 },
      candidate: { engine: 'user', status: 500 },
    })!;
    expect(stored).toMatchObject({
      route: 'agent-execute',
      kinds: ['status', 'field'],
      details: { fields: ['answer'] },
    });
    expect([stored.control.status, stored.candidate.status]).toEqual([200, 500]);
    expect(JSON.stringify(stored)).not.toContain('private');
  });
});
