import { pino } from 'pino';
import { createRequestLine, type RequestLineFields } from '../../../src/log/request-line.js';

const fields: RequestLineFields = {
  reqId: 'id "with" quotes\\ and \u2028',
  method: 'POST',
  route: 'threads',
  status: 201,
  engine: 'user',
  reason: 'rollout',
  ms: 1.7,
};

function capture(level = 'info') {
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const common = { level, base: { service: 'switchyard' }, timestamp: pino.stdTimeFunctions.isoTime };
  return { lines, logger: pino(common, stream).child({ part: 'request' }) };
}

/** Resolves once the immediates queued before it have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createRequestLine', () => {
  it('writes the line pino writes for the same fields: same keys in the same order, same values', async () => {
    const viaPino = capture();
    viaPino.logger.info(fields);
    const preformatted = capture();
    createRequestLine(preformatted.logger)(fields);
    await nextTurn();
    const [ours, theirs] = [preformatted.lines[0]!, viaPino.lines[0]!];
    expect(ours.endsWith('}\n')).toBe(true);
    const [a, b] = [
      JSON.parse(ours) as Record<string, unknown>,
      JSON.parse(theirs) as Record<string, unknown>,
    ];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect({ ...a, time: 0 }).toEqual({ ...b, time: 0 });
    expect(Number.isNaN(Date.parse(a.time as string))).toBe(false);
  });

  it('writes nothing when info is off, and falls back to pino for a destination that needs its metadata', async () => {
    const quiet = capture('warn');
    createRequestLine(quiet.logger)(fields);
    await nextTurn();
    expect(quiet.lines).toHaveLength(0);

    const lines: string[] = [];
    const multi = pino.multistream([{ level: 'info', stream: { write: (l: string) => void lines.push(l) } }]);
    createRequestLine(pino({ level: 'info' }, multi))(fields);
    expect(JSON.parse(lines[0]!)).toMatchObject({ reqId: fields.reqId, status: 201, ms: 1.7 });
  });

  it('writes the lines of one loop turn in one write, in order, and the next turn in another', async () => {
    const out = capture();
    const line = createRequestLine(out.logger);
    line({ ...fields, reqId: 'a' });
    line({ ...fields, reqId: 'b' });
    expect(out.lines).toHaveLength(0);
    await nextTurn();
    expect(out.lines).toHaveLength(1);
    const ids = out.lines[0]!.trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { reqId: string }).reqId);
    expect(ids).toEqual(['a', 'b']);
    line({ ...fields, reqId: 'c' });
    await nextTurn();
    expect(out.lines).toHaveLength(2);
    expect(JSON.parse(out.lines[1]!)).toMatchObject({ reqId: 'c' });
  });
});
