import fc from 'fast-check';
import { mayBeTerminal, normalise, normaliseText, outcomeOf } from '../../../src/compare/canonical.js';
import { bridge, emitter, HAPPY, IDS_A, type Step } from './frames.js';

describe('normalise', () => {
  it.each(HAPPY.map((s) => [s.type, s] as const))(
    'reads %s the same from the bridge and the emitter envelope',
    (_type, step) => {
      const a = normalise(bridge(step, IDS_A, 5), 5);
      const b = normalise(emitter(step, IDS_A, 5), 5);
      expect(a).not.toBeNull();
      // The bridge envelope carries no user id; every other field is the same.
      expect(a).toEqual({ ...b, threadId: null, userId: null });
      expect(b!.userId).toBe('alice');
    },
  );

  it('finds the tool in payload.tool_name (bridge) and in data.tool (emitter)', () => {
    const step: Step = { type: 'tool_executing', tool: 'cost_query' };
    expect(normalise(bridge(step, IDS_A), 0)?.tool).toBe('cost_query');
    expect(normalise(emitter(step, IDS_A), 0)?.tool).toBe('cost_query');
  });

  it('reads agent_error and agent_completed{status:"failed"} as the same failed outcome', () => {
    const error = normalise(bridge({ type: 'agent_error', status: 'error', error: 'boom' }, IDS_A), 0)!;
    const failed = normalise(emitter({ type: 'agent_completed', status: 'failed' }, IDS_A), 0)!;
    const timedOut = normalise(emitter({ type: 'agent_completed', status: 'timeout' }, IDS_A), 0)!;
    expect([error.status, failed.status, timedOut.status]).toEqual(['failed', 'failed', 'failed']);
    expect([outcomeOf(error), outcomeOf(failed), outcomeOf(timedOut)]).toEqual([
      'failed',
      'failed',
      'failed',
    ]);
    expect(error.error).toBe('boom');
  });

  it('reads agent_completed without a status as completed, and with an error as failed', () => {
    expect(normalise({ type: 'agent_completed', payload: {} }, 0)?.status).toBe('completed');
    expect(normalise({ type: 'agent_completed', data: { error: { message: 'x' } } }, 0)).toMatchObject({
      status: 'failed',
      error: 'x',
    });
  });

  it('keeps a non-terminal status as it came, lower-cased', () => {
    expect(normalise({ type: 'tool_completed', payload: { status: 'Completed' } }, 0)?.status).toBe(
      'completed',
    );
    expect(outcomeOf(normalise({ type: 'tool_completed', payload: { status: 'failed' } }, 0)!)).toBeNull();
  });

  it('reads the system envelope: pong, the welcome, connect and error_message with its text', () => {
    const sys = { timestamp: 1757534462.1, server_id: 's1', correlation_id: 'c1' };
    expect(normalise({ type: 'pong', data: {}, ...sys }, 1)?.type).toBe('pong');
    expect(
      normalise(
        { type: 'system_message', data: { event: 'connection_established', connection_ready: true }, ...sys },
        1,
      )?.type,
    ).toBe('system_message');
    expect(normalise({ type: 'connect', data: {}, ...sys }, 1)?.type).toBe('connect');
    expect(
      normalise(
        { type: 'error_message', error_code: 'AUTH_FAILED', error_message: 'Invalid token', details: {} },
        1,
      ),
    ).toMatchObject({ type: 'error_message', error: 'Invalid token' });
    expect(normalise({ type: 'error_message', error_code: 'AUTH_FAILED' }, 1)?.error).toBe('AUTH_FAILED');
  });

  it('stamps the arrival time it is given, not any timestamp in the frame', () => {
    expect(normalise(bridge(HAPPY[0]!, IDS_A, 999_999), 42)?.at).toBe(42);
  });

  it('returns null for frames without a type, arrays and scalars', () => {
    for (const frame of [null, 3, 'x', [], [{ type: 'a' }], {}, { type: '' }, { type: 7 }]) {
      expect(normalise(frame, 0)).toBeNull();
    }
  });

  it('returns null from normaliseText for text that is not JSON', () => {
    expect(normaliseText('not json', 0)).toBeNull();
    expect(normaliseText('', 0)).toBeNull();
    expect(normaliseText('{"type":"agent_started","run_id":"r"}', 3)).toMatchObject({
      type: 'agent_started',
      runId: 'r',
      at: 3,
    });
  });

  it('never throws, and gives null or an event with a string type, on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, at) => {
        const event = normalise(value, at);
        expect(event === null || (typeof event.type === 'string' && event.at === at)).toBe(true);
        expect(() => normaliseText(JSON.stringify(value), at)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on frames that look like envelopes with fields of any JSON type', () => {
    const anything = fc.jsonValue();
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(fc.string(), anything),
        fc.dictionary(fc.string(), anything),
        (type, payload, data) => {
          expect(() => normalise({ type, payload, data, run_id: payload, error: data }, 0)).not.toThrow();
        },
      ),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (text) => void normaliseText(text, 0)));
  });
});

describe('mayBeTerminal', () => {
  const bytes = (frame: unknown) => Buffer.from(JSON.stringify(frame));

  it('is false for a frame that cannot end a run, true for each terminal type in either envelope', () => {
    expect(mayBeTerminal(bytes(emitter({ type: 'agent_thinking' }, IDS_A)))).toBe(false);
    for (const type of ['agent_completed', 'agent_error']) {
      expect(mayBeTerminal(bytes(bridge({ type }, IDS_A)))).toBe(true);
      expect(mayBeTerminal(bytes(emitter({ type }, IDS_A)))).toBe(true);
    }
  });

  it('never misses a frame that normalises to a terminal event, however its type is escaped', () => {
    const escaped = (type: string) => type.replace(/_/g, '\\u005f');
    const frame = fc.record({
      type: fc.constantFrom('agent_completed', 'agent_error', 'agent_thinking', 'tool_executing'),
      escape: fc.boolean(),
      text: fc.string(),
    });
    fc.assert(
      fc.property(frame, ({ type, escape, text }) => {
        const json = JSON.stringify({ type: '@', data: { thought: text } });
        const raw = Buffer.from(json.replace('"@"', `"${escape ? escaped(type) : type}"`));
        const event = normaliseText(raw.toString(), 0);
        if (event !== null && (event.type === 'agent_completed' || event.type === 'agent_error')) {
          expect(mayBeTerminal(raw)).toBe(true);
        }
      }),
    );
  });
});
