import { PassThrough } from 'node:stream';
import { UserIdBodyGate, type Refusal } from '../../../src/proxy/user-id-body-gate.js';

/** Feeds `parts` through a gate; resolves with what came out and whether it ended. */
function run(parts: string[], userId = 'alice') {
  const refusals: Refusal[] = [];
  const gate = new UserIdBodyGate(userId, (why) => refusals.push(why));
  const out: string[] = [];
  let ended = false;
  gate.on('data', (c: Buffer) => out.push(c.toString()));
  gate.on('end', () => (ended = true));
  const source = new PassThrough();
  source.pipe(gate);
  const seen: string[][] = [];
  return {
    refusals,
    gate,
    async feed(): Promise<{ out: string[]; ended: boolean; seen: string[][] }> {
      for (const part of parts) {
        source.write(part);
        await new Promise((r) => setImmediate(r));
        seen.push([...out]);
      }
      source.end();
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      return { out, ended, seen };
    },
  };
}

describe('UserIdBodyGate', () => {
  it('passes every chunk on at once but the latest, and the last only once the body is judged', async () => {
    const parts = ['{"message":"', 'x'.repeat(100), '","user_id":', '"alice"}'];
    const r = run(parts);
    const { out, ended, seen } = await r.feed();
    expect(seen.map((s) => s.length)).toEqual([0, 1, 2, 3]);
    expect(out.join('')).toBe(parts.join(''));
    expect(ended).toBe(true);
    expect(r.refusals).toEqual([]);
  });

  it('refuses a foreign id at once, never releases the rest and never ends', async () => {
    const r = run(['{"user_id":"bob",', '"message":"', 'hello"}']);
    const { out, ended } = await r.feed();
    expect(r.refusals).toEqual(['mismatch']);
    expect(out).toEqual([]);
    expect(ended).toBe(false);
  });

  it('drops the held chunk when a foreign id comes in the last one', async () => {
    const r = run(['{"message":"hi",', '"user_id":"al', 'ice","user_id":"bob"}']);
    const { out, ended } = await r.feed();
    expect(r.refusals).toEqual(['mismatch']);
    expect(out.join('')).toBe('{"message":"hi",');
    expect(ended).toBe(false);
  });

  it('refuses a body that ends before the document does', async () => {
    const r = run(['{"user_id":"alice"', ',"x":1']);
    const { out, ended } = await r.feed();
    expect(r.refusals).toEqual(['malformed']);
    expect(out.join('')).toBe('{"user_id":"alice"');
    expect(ended).toBe(false);
  });
});
