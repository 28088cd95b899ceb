import { LATENCY_BUCKET_COUNT } from './histogram.js';
import { newMaskCounts } from './kind-masks.js';
import { SlowestUsers } from './slowest.js';
import { UserSet } from './sketch.js';

/** One engine's samples in one second. Every field is allocated once and cleared in place. */
export class EngineSecond {
  httpRequests = 0;
  httpFailed = 0;
  readonly latency = new Uint32Array(LATENCY_BUCKET_COUNT);
  readonly httpFailedUsers = new UserSet();
  /** Fed for the user engine only: its slowest users, for the latency gate. */
  readonly slowest = new SlowestUsers();
  wsSessions = 0;
  wsFailed = 0;
  readonly wsFailedUsers = new UserSet();
  isolationUserId = 0;
  isolationOwnership = 0;
  /** Sessions, and users, that received a violating frame (user_id or ownership evidence). */
  readonly isolationSessions = new UserSet();
  readonly isolationUsers = new UserSet();
  /** Users served (HTTP or WebSocket), for the release plan's distinct-user minimum. */
  readonly servedUsers = new UserSet();

  clear(): void {
    if (this.httpRequests > 0) this.latency.fill(0);
    this.httpRequests = 0;
    this.httpFailed = 0;
    this.httpFailedUsers.clear();
    this.slowest.clear();
    this.wsSessions = 0;
    this.wsFailed = 0;
    this.wsFailedUsers.clear();
    this.isolationUserId = 0;
    this.isolationOwnership = 0;
    this.isolationSessions.clear();
    this.isolationUsers.clear();
    this.servedUsers.clear();
  }
}

/** One slot of the ring: the samples of the wall-clock second `second` (epoch seconds). */
export class SecondBucket {
  /** Which second this slot holds now; -Infinity when it holds none. */
  second = -Infinity;
  readonly legacy = new EngineSecond();
  readonly user = new EngineSecond();
  match = 0;
  mismatch = 0;
  incomplete = 0;
  isolation = 0;
  readonly mismatchUsers = new UserSet();
  /** Judged comparisons by kind mask: cross-engine, and each engine against itself (baseline). */
  readonly crossKinds = newMaskCounts();
  readonly floorKinds = { legacy: newMaskCounts(), user: newMaskCounts() } as const;
  /** Whether any kind mask count is set, so that clearing an unused slot costs nothing. */
  kindsUsed = false;

  /** Empties the slot in place and gives it to `second`. */
  clear(second: number): void {
    this.second = second;
    this.legacy.clear();
    this.user.clear();
    this.match = 0;
    this.mismatch = 0;
    this.incomplete = 0;
    this.isolation = 0;
    this.mismatchUsers.clear();
    if (this.kindsUsed) {
      this.crossKinds.fill(0);
      this.floorKinds.legacy.fill(0);
      this.floorKinds.user.fill(0);
      this.kindsUsed = false;
    }
  }
}
