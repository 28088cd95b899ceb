import { AfterIo } from '../../../src/shadow/after-io.js';

/** Resolves after every immediate queued before it (one loop turn's check phase) has run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('AfterIo (shadow work after the I/O of a loop turn)', () => {
  it('never runs a job inside run(): it waits for the loop turn', async () => {
    const queue = new AfterIo();
    const ran: string[] = [];
    queue.run(() => ran.push('job'));
    ran.push('caller');
    expect(ran).toEqual(['caller']);
    expect(queue.pending).toBe(1);
    await nextTurn();
    expect(ran).toEqual(['caller', 'job']);
    expect(queue.pending).toBe(0);
  });

  it('runs the jobs of one turn together, in order, and those they queue in the next turn', async () => {
    const queue = new AfterIo();
    const ran: string[] = [];
    queue.run(() => {
      ran.push('a');
      queue.run(() => ran.push('c (queued by a)'));
    });
    queue.run(() => ran.push('b'));
    await nextTurn();
    expect(ran).toEqual(['a', 'b']);
    await nextTurn();
    expect(ran).toEqual(['a', 'b', 'c (queued by a)']);
  });

  it('runs in the check phase of the turn it was queued in, not a later turn', async () => {
    const queue = new AfterIo();
    const ran: string[] = [];
    // Queued from the timers phase; an immediate queued after it runs after it, in the same
    // check phase (a job that waited for a later turn would come after the marker).
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        queue.run(() => ran.push('job'));
        setImmediate(() => {
          ran.push('next immediate');
          resolve();
        });
      }, 0),
    );
    expect(ran).toEqual(['job', 'next immediate']);
  });

  it('reports a failing job and goes on with the next', async () => {
    const errors: unknown[] = [];
    const queue = new AfterIo((e) => errors.push(e));
    const ran: string[] = [];
    queue.run(() => {
      throw new Error('boom');
    });
    queue.run(() => ran.push('after'));
    await nextTurn();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
    expect(ran).toEqual(['after']);
  });
});
