import { Transform, type TransformCallback } from 'node:stream';
import { UserIdScanner, type BodyCheck } from '../identity/user-id-scanner.js';

export type Refusal = Exclude<BodyCheck, 'ok'>;

/**
 * A body streamed to the engine while its top-level user ids are checked (issue 18: no size
 * limit on the primary path). Every chunk passes through at once except the latest, which is
 * held back until the next one arrives or, for the last, until the whole document is known to be
 * complete JSON with only the caller's own user id: so the engine never receives a complete
 * request that the proxy would refuse. On a refusal `onRefused` is called once (the caller
 * answers and aborts the engine request); the rest of the client's body is read and dropped.
 * Memory: one chunk plus the scanner's bounded state.
 */
export class UserIdBodyGate extends Transform {
  private readonly scanner: UserIdScanner;
  private held: Buffer | null = null;
  private refused = false;

  constructor(
    userId: string,
    private readonly onRefused: (why: Refusal) => void,
  ) {
    super();
    this.scanner = new UserIdScanner(userId);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.refused) return done();
    const verdict = this.scanner.write(chunk);
    if (verdict !== null && verdict !== 'ok') {
      this.refuse(verdict);
      return done(); // keeps reading the client's body, to drop it
    }
    const previous = this.held;
    this.held = chunk;
    done(null, previous ?? undefined);
  }

  override _flush(done: TransformCallback): void {
    if (this.refused) return;
    const verdict = this.scanner.end();
    if (verdict !== 'ok') return this.refuse(verdict);
    done(null, this.held ?? undefined);
  }

  /** Nothing more goes out, and the readable side never ends: the engine request stays incomplete. */
  private refuse(why: Refusal): void {
    this.refused = true;
    this.held = null;
    this.onRefused(why);
  }
}
