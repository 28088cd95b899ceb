import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startLivenessSweeper, type LivenessTarget } from '../../../src/ws/liveness.js';
import { ManualClock } from '../../support/manual-clock.js';

/** A session as the sweeper sees it: it answers pings until it goes silent, then is terminated. */
class FakeSession implements LivenessTarget {
  pings = 0;
  terminatedAt: number | null = null;
  seenAt: number;
  answers = true;
  constructor(private readonly clock: ManualClock) {
    this.seenAt = clock.now();
  }
  checkLiveness(now: number, idleTimeoutMs: number): void {
    if (this.terminatedAt !== null) return;
    if (now - this.seenAt > idleTimeoutMs) {
      this.terminatedAt = now;
      return;
    }
    this.pings++;
    if (this.answers) this.seenAt = this.clock.now();
  }
}

function logLines() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

describe('liveness sweeper', () => {
  it('pings every session once per interval, however long it runs', () => {
    const clock = new ManualClock();
    const sessions = [new FakeSession(clock), new FakeSession(clock)];
    const stop = startLivenessSweeper(
      () => sessions,
      { pingIntervalMs: 100, idleTimeoutMs: 250 },
      logLines().log,
      clock,
    );
    clock.advance(99);
    expect(sessions.map((s) => s.pings)).toEqual([0, 0]);
    clock.advance(10_000 - 99);
    expect(sessions.map((s) => s.pings)).toEqual([100, 100]);
    expect(sessions.map((s) => s.terminatedAt)).toEqual([null, null]);
    stop();
    clock.advance(1000);
    expect(sessions.map((s) => s.pings)).toEqual([100, 100]);
    expect(clock.pending()).toBe(0);
  });

  it('terminates a silent session after the idle timeout, within one more interval, and only that one', () => {
    const clock = new ManualClock();
    const [live, dead] = [new FakeSession(clock), new FakeSession(clock)];
    dead.answers = false;
    const silentFrom = clock.now();
    startLivenessSweeper(
      () => [live, dead],
      { pingIntervalMs: 100, idleTimeoutMs: 250 },
      logLines().log,
      clock,
    );
    clock.advance(5000);
    expect(dead.terminatedAt! - silentFrom).toBeGreaterThan(250);
    expect(dead.terminatedAt! - silentFrom).toBeLessThanOrEqual(250 + 100);
    expect(live.terminatedAt).toBeNull();
  });

  it('raises an idle timeout under two intervals, and says so once', () => {
    const clock = new ManualClock();
    const { log, lines } = logLines();
    const quiet = new FakeSession(clock);
    quiet.answers = false;
    const silentFrom = clock.now();
    startLivenessSweeper(() => [quiet], { pingIntervalMs: 100, idleTimeoutMs: 50 }, log, clock);
    clock.advance(1000);
    expect(quiet.terminatedAt! - silentFrom).toBeGreaterThan(200);
    expect(lines.filter((l) => l.includes('raised to two ping intervals'))).toHaveLength(1);
  });

  it('keeps checking the other sessions when one check throws', () => {
    const clock = new ManualClock();
    const { log, lines } = logLines();
    const broken: LivenessTarget = {
      checkLiveness: () => {
        throw new Error('boom');
      },
    };
    const fine = new FakeSession(clock);
    startLivenessSweeper(() => [broken, fine], { pingIntervalMs: 100, idleTimeoutMs: 250 }, log, clock);
    clock.advance(300);
    expect(fine.pings).toBe(3);
    expect(lines.filter((l) => l.includes('liveness check failed'))).toHaveLength(3);
  });
});
