import { normalise, type CanonicalEvent } from '../../../src/compare/canonical.js';
import { isRunStart, RunSplitter } from '../../../src/compare/runs.js';
import { bridge, emitter, events, HAPPY, IDS_A, IDS_B } from './frames.js';

const pong = (at: number): CanonicalEvent => normalise({ type: 'pong', data: {}, timestamp: at }, at)!;
const ack = (at: number): CanonicalEvent =>
  normalise({ type: 'ack', received_type: 'x', status: 'acknowledged' }, at)!;

describe('isRunStart', () => {
  it.each(['user_message', 'start_agent', 'chat_message', 'user', 'message', 'execute_agent'])(
    'starts a run on %s',
    (type) => {
      expect(isRunStart(type)).toBe(true);
    },
  );

  it.each(['ping', 'stop_agent', 'session_restore', 'USER_MESSAGE', ''])(
    'does not start a run on %j',
    (type) => {
      expect(isRunStart(type)).toBe(false);
    },
  );
});

describe('RunSplitter', () => {
  it('ends a run at its terminal event and reports arrival times', () => {
    const splitter = new RunSplitter();
    splitter.start(0, 100);
    const stream = events(HAPPY, bridge, IDS_A, 100);
    const ended = stream.map((e) => splitter.push(e));
    expect(ended.slice(0, -1).every((r) => r === null)).toBe(true);
    const [key, run] = ended.at(-1)!;
    expect(key).toBe(0);
    expect(run).toMatchObject({
      startedAt: 100,
      firstEventAt: 110,
      endedAt: 150,
      terminal: 'completed',
      complete: true,
      end: 'terminal',
    });
    expect(run.events).toHaveLength(HAPPY.length);
    expect(splitter.openRuns).toBe(0);
  });

  it('ignores heartbeats and acks inside a run and counts events outside any run as strays', () => {
    const splitter = new RunSplitter();
    splitter.push(events(HAPPY, bridge, IDS_A)[0]!);
    splitter.start(0, 0);
    splitter.push(pong(1));
    splitter.push(ack(2));
    const [, run] = events(HAPPY, emitter, IDS_A)
      .map((e) => splitter.push(e))
      .at(-1)!;
    expect(run.events.map((e) => e.type)).toEqual(HAPPY.map((s) => s.type));
    expect(splitter.strayEvents).toBe(1);
  });

  it('tells concurrent runs apart by their run ids', () => {
    const splitter = new RunSplitter();
    splitter.start(0, 0);
    splitter.start(1, 0);
    const first = events(HAPPY, bridge, IDS_A);
    const second = events(HAPPY.slice(0, 1).concat(HAPPY.slice(-1)), bridge, IDS_B);
    splitter.push(first[0]!);
    splitter.push(second[0]!);
    const secondEnd = splitter.push(second[1]!);
    expect(secondEnd?.[0]).toBe(1);
    expect(secondEnd?.[1].events.map((e) => e.runId)).toEqual([IDS_B.runId, IDS_B.runId]);
    const firstEnd = first
      .slice(1)
      .map((e) => splitter.push(e))
      .at(-1);
    expect(firstEnd?.[0]).toBe(0);
    expect(firstEnd?.[1].events).toHaveLength(HAPPY.length);
  });

  it('ignores late events of a run that already ended rather than giving them to the next run', () => {
    const splitter = new RunSplitter();
    splitter.start(0, 0);
    const stream = events(HAPPY, bridge, IDS_A);
    stream.forEach((e) => splitter.push(e));
    splitter.start(1, 100);
    splitter.push(stream[1]!);
    expect(splitter.strayEvents).toBe(1);
    expect(splitter.end(1, 'timeout', 200)?.events).toEqual([]);
  });

  it('records at most the cap of events per run, always the terminal one, and counts the rest', () => {
    const splitter = new RunSplitter(3);
    splitter.start(0, 0);
    const thinking = Array.from({ length: 10 }, () => HAPPY[1]!);
    const stream = events([HAPPY[0]!, ...thinking, HAPPY[4]!], bridge, IDS_A);
    const [, run] = stream.map((e) => splitter.push(e)).at(-1)!;
    expect(run.events.map((e) => e.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'agent_thinking',
      'agent_completed',
    ]);
    expect(run.droppedEvents).toBe(8);
  });

  it('gives up an open run on request and reports it incomplete', () => {
    const splitter = new RunSplitter();
    splitter.start(7, 0);
    splitter.push(events(HAPPY, bridge, IDS_A)[0]!);
    expect(splitter.end(7, 'closed', 50)).toMatchObject({
      complete: false,
      end: 'closed',
      terminal: null,
      endedAt: 50,
    });
    expect(splitter.end(7, 'closed', 50)).toBeNull();
    expect(splitter.openRuns).toBe(0);
  });
});
