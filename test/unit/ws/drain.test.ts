import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createMetrics } from '../../../src/metrics/catalog.js';
import type { Engine } from '../../../src/routing/types.js';
import { SessionDrainer, type DrainPolicy } from '../../../src/ws/drain.js';
import { Listeners } from '../../../src/ws/listeners.js';
import type { RelaySession } from '../../../src/ws/relay-session.js';
import { RunTracker } from '../../../src/ws/run-tracker.js';
import { SessionRegistry } from '../../../src/ws/session-registry.js';
import { ManualClock } from '../../support/manual-clock.js';

/** What the drainer uses of a session. */
class FakeSession {
  closed = false;
  closedAt: number | null = null;
  readonly runs = new RunTracker();
  private readonly closeListeners = new Listeners();
  constructor(
    readonly name: string,
    readonly engine: Engine,
    readonly openedAt: number,
  ) {}
  onClose(fn: () => void) {
    return this.closeListeners.add(fn);
  }
  close(code: number) {
    expect(code).toBe(1012);
    this.closed = true;
    this.closedAt = clock.now();
    this.closeListeners.emit();
  }
}

const POLICY: DrainPolicy = {
  policy: 'spread',
  minAgeMs: 5000,
  windowMs: 4000,
  runDeadlineMs: 30_000,
  finishRunMaxMs: 300_000,
};

function setup(policy: Partial<DrainPolicy> = {}) {
  const registry = new SessionRegistry();
  const drainer = new SessionDrainer(
    registry,
    { ...POLICY, ...policy },
    createMetrics(new Registry()),
    pino({ level: 'silent' }),
    clock,
  );
  const add = (name: string, engine: Engine = 'user', openedAt = clock.now()) => {
    const s = new FakeSession(name, engine, openedAt);
    registry.add(s as unknown as RelaySession);
    return s;
  };
  return { registry, drainer, add };
}

let clock: ManualClock;
beforeEach(() => (clock = new ManualClock(1_000_000)));

describe('SessionDrainer', () => {
  it('spreads old idle sessions over the window, idle first, and leaves legacy sessions alone', () => {
    const { drainer, add } = setup();
    const old = clock.now() - 60_000;
    const busy = add('busy', 'user', old - 1);
    busy.runs.clientFrame('user_message');
    const idle = [add('i0', 'user', old), add('i1', 'user', old), add('i2', 'user', old)];
    const legacy = add('legacy', 'legacy', old);
    expect(drainer.drain('user')).toBe(4);
    clock.advance(10_000);
    const expected = [0, 4000 / 3, 8000 / 3];
    idle.forEach((s, i) => expect(Math.abs(s.closedAt! - 1_000_000 - expected[i]!)).toBeLessThanOrEqual(1));
    expect([busy.closed, legacy.closed]).toEqual([false, false]);
    busy.runs.engineFrame(Buffer.from('{"type":"agent_completed"}'), 'agent_completed');
    clock.advance(0);
    expect(busy.closedAt! - 1_000_000).toBe(10_000);
  });

  it('gives young sessions their slot counted from the moment they are old enough, not all at once', () => {
    const { drainer, add } = setup({ windowMs: 1000 });
    const young = [add('y0'), add('y1'), add('y2')];
    drainer.drain('user');
    clock.advance(7000);
    expect(young.map((s) => s.closedAt! - 1_000_000)).toEqual([5000, 5500, 6000]);
  });

  it('drains a session added after the flip but routed before it', () => {
    const { drainer, add } = setup({ minAgeMs: 0, windowMs: 100 });
    drainer.drain('user');
    const late = add('late');
    const legacy = add('legacy', 'legacy');
    clock.advance(100);
    expect([late.closed, legacy.closed]).toEqual([true, false]);
  });

  it('cancels everything on resume, including a close waiting for a run end', () => {
    const { drainer, add } = setup({ minAgeMs: 0, windowMs: 0, policy: 'finish-run' });
    const busy = add('busy');
    busy.runs.clientFrame('start_agent');
    const idle = add('idle', 'user', clock.now() + 1);
    drainer.drain('user');
    clock.advance(1);
    expect(busy.runs.inRun).toBe(true);
    drainer.cancel();
    busy.runs.engineFrame(Buffer.from('{"type":"agent_completed"}'), 'agent_completed');
    clock.advance(1_000_000);
    expect([busy.closed, idle.closed, drainer.pending()]).toEqual([false, true, 0]);
    add('after-resume');
    clock.advance(1_000_000);
    expect(drainer.pending()).toBe(0);
  });

  it('keeps nothing for a session that closed by itself', () => {
    const { drainer, add } = setup();
    const s = add('gone');
    drainer.drain('user');
    expect(drainer.pending()).toBe(1);
    s.close(1012);
    expect(drainer.pending()).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});
