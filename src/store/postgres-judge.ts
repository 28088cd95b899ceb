import type pg from 'pg';

/** `pg_try_advisory_lock` key of the guard's judge (the migration lock is 0x5357_0001). */
const JUDGE_LOCK = 0x5357_0002;
/** A held connection that does not answer a check in this long is taken for dead. */
const CHECK_TIMEOUT_MS = 3_000;

/**
 * The guard's judge in a fleet: whoever holds a session-level advisory lock, on one connection
 * taken from the pool and kept. PostgreSQL releases the lock when that connection ends, so a
 * judge that dies, or whose connection dies, frees it for the next replica's poll. Each poll
 * either checks the held connection (a `SELECT 1`) or tries the lock on a borrowed one.
 */
export class PostgresJudgeLock {
  private held: pg.PoolClient | null = null;

  constructor(private readonly pool: pg.Pool) {}

  async tryJudge(): Promise<boolean> {
    const held = this.held;
    if (held !== null) {
      try {
        await within(held.query('SELECT 1'), CHECK_TIMEOUT_MS);
        return true;
      } catch (err) {
        this.drop(held, err as Error);
        throw err;
      }
    }
    const client = await this.pool.connect();
    const onError = (err: Error) => this.drop(client, err);
    // A checked-out client's socket error has no listener of the pool's: without one it would end the process.
    client.on('error', onError);
    let answered = false;
    try {
      const { rows } = await within(
        client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [JUDGE_LOCK]),
        CHECK_TIMEOUT_MS,
      );
      answered = true;
      if (rows[0]?.locked === true) {
        this.held = client;
        return true;
      }
      return false;
    } finally {
      if (this.held !== client) {
        client.off('error', onError);
        // A lock query that did not answer may still take the lock: that session must end.
        client.release(answered ? undefined : true);
      }
    }
  }

  /** Gives the lock up (at close): unlocked at once when the server answers, else by ending the session. */
  async release(): Promise<void> {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    await within(held.query('SELECT pg_advisory_unlock($1)', [JUDGE_LOCK]), 1_000).catch(() => undefined);
    this.drop(held, null);
  }

  private drop(client: pg.PoolClient, err: Error | null): void {
    if (this.held === client) this.held = null;
    // Destroyed, never returned to the pool: ending the session is what releases the lock.
    try {
      client.release(err ?? true);
    } catch {
      // released already (its error and a failed check can both get here)
    }
  }
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
