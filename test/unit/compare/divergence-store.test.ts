import { diffRuns } from '../../../src/compare/diff.js';
import { DivergenceStore, REDACTED } from '../../../src/compare/divergence-store.js';
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

describe('DivergenceStore', () => {
  it('keeps at most its capacity, newest first', () => {
    const store = new DivergenceStore({ hash, capacity: 3 });
    for (let i = 0; i < 5; i++) store.addRun(judgement(), { at: i * 1000, session: `s${i}` });
    expect(store.size).toBe(3);
    expect(store.list().map((d) => d.session)).toEqual(['s4', 's3', 's2']);
    expect(store.list({ limit: 1 }).map((d) => d.at)).toEqual(['1970-01-01T00:00:04.000Z']);
  });

  it('does not store matches', () => {
    const store = new DivergenceStore({ hash });
    expect(store.addRun(judgement(HAPPY, HAPPY), { at: 0 })).toBeNull();
    expect(store.size).toBe(0);
  });

  it('hashes user, run and thread ids and redacts error text before storing', () => {
    const store = new DivergenceStore({ hash });
    const stored = store.addRun(judgement(), { at: 0, session: 'sess-1', runIndex: 2 })!;
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
    const store = new DivergenceStore({ hash, redactText: false });
    const stored = store.addRun(judgement(), { at: 0 })!;
    expect(stored.candidate.events.at(-1)?.error).toBe('secret customer text');
    expect(stored.candidate.events[0]?.runId).toBe(hash(IDS_B.runId));
  });

  it('filters by result or by mismatch kind', () => {
    const store = new DivergenceStore({ hash });
    store.addRun(judgement(), { at: 0 });
    const isolation = diffRuns(
      { engine: 'legacy', run: run(events(HAPPY, bridge, IDS_A)), leaked: true },
      { engine: 'user', run: run(events(HAPPY, emitter, IDS_B)) },
    );
    store.addRun(isolation, { at: 1 });
    expect(store.list({ kind: 'status' })).toHaveLength(1);
    expect(store.list({ kind: 'isolation' })).toMatchObject([{ result: 'isolation', leakedBy: ['legacy'] }]);
    expect(store.list({ kind: 'mismatch' })).toHaveLength(1);
    expect(store.list({ kind: 'order' })).toHaveLength(0);
  });

  it('bounds the events kept per side, keeping the terminal one', () => {
    const store = new DivergenceStore({ hash, maxEventsPerSide: 3 });
    const stored = store.addRun(judgement(), { at: 0 })!;
    expect(stored.candidate.events.map((e) => e.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'agent_error',
    ]);
    expect(stored.candidate.omittedEvents).toBe(2);
  });

  it('stores an HTTP divergence with both statuses and the differing paths, never the bodies', () => {
    const store = new DivergenceStore({ hash });
    const diff = diffHttp(
      { status: 200, body: '{"answer":"private"}', contentType: 'application/json' },
      { status: 500, body: '{"answer":"other"}', contentType: 'application/json' },
    );
    const stored = store.addHttp(diff, {
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
