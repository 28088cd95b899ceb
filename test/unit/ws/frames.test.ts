import { peekType } from '../../../src/ws/frame-type.js';
import { PendingQueue } from '../../../src/ws/pending-queue.js';
import { codeForClient, codeForEngine, safeReason } from '../../../src/ws/close-codes.js';
import { chooseSubprotocol } from '../../../src/ws/credential.js';

const b = (s: string) => Buffer.from(s);

describe('peekType', () => {
  it('reads the type of a frame without parsing it', () => {
    expect(peekType(b('{"type":"ping","timestamp":1}'))).toBe('ping');
    expect(peekType(b('{ "type" : "user_message", "payload": {} }'))).toBe('user_message');
    expect(peekType(b('{"payload":{},"type":"stop_agent"}'))).toBe('stop_agent');
  });

  it('gives null for what it cannot read cheaply', () => {
    expect(peekType(b('{"kind":"ping"}'))).toBeNull();
    expect(peekType(b('{"type":42}'))).toBeNull();
    expect(peekType(b('{"type":"a\\"b"}'))).toBeNull();
    expect(peekType(b(`{"type":"${'x'.repeat(100)}"}`))).toBeNull();
    expect(peekType(b('{"type":"unterminated'))).toBeNull();
  });
});

describe('PendingQueue', () => {
  it('hands frames back in order and forgets them', () => {
    const q = new PendingQueue(3, 100);
    q.push(b('a'), false);
    q.push(b('bb'), true);
    const out: string[] = [];
    q.flush((f) => out.push(`${String(f.data)}:${f.isBinary}`));
    expect(out).toEqual(['a:false', 'bb:true']);
    expect(q.length).toBe(0);
  });

  it('refuses the frame that would pass the count or byte limit', () => {
    const byCount = new PendingQueue(2, 100);
    expect([byCount.push(b('1'), false), byCount.push(b('2'), false), byCount.push(b('3'), false)]).toEqual([
      true,
      true,
      false,
    ]);
    const byBytes = new PendingQueue(10, 5);
    expect([
      byBytes.push(b('abc'), false),
      byBytes.push(b('de'), false),
      byBytes.push(b('f'), false),
    ]).toEqual([true, true, false]);
  });
});

describe('close codes', () => {
  it('never sends a reserved code: 1005 -> 1000, 1006/1015 -> 1011 to the client and 1001 to the engine', () => {
    expect([1005, 1006, 1015, 1004, 999, 5000].map(codeForClient)).toEqual([
      1000, 1011, 1011, 1011, 1011, 1011,
    ]);
    expect([1005, 1006, 1015].map(codeForEngine)).toEqual([1000, 1001, 1001]);
    expect([1000, 1001, 1009, 1012, 1013, 4000].map(codeForClient)).toEqual([
      1000, 1001, 1009, 1012, 1013, 4000,
    ]);
  });

  it('drops a reason longer than a close frame can carry', () => {
    expect(safeReason('x'.repeat(123))).toHaveLength(123);
    expect(safeReason('é'.repeat(62))).toBe('');
  });
});

describe('chooseSubprotocol', () => {
  const offered = (...p: string[]) => new Set(p);
  it('echoes jwt-auth when offered, else a configured offered one, else none, never the token entry', () => {
    expect(chooseSubprotocol(offered('jwt.abc', 'jwt-auth'), [])).toBe('jwt-auth');
    expect(chooseSubprotocol(offered('chat.v2', 'jwt-auth'), ['chat.v2'])).toBe('jwt-auth');
    expect(chooseSubprotocol(offered('chat.v2'), ['chat.v2'])).toBe('chat.v2');
    expect(chooseSubprotocol(offered('chat.v2'), [])).toBe(false);
    expect(chooseSubprotocol(offered('jwt.abc'), [])).toBe(false);
    expect(chooseSubprotocol(offered(), ['chat.v2'])).toBe(false);
  });
});
