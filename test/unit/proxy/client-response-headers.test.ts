import { clientResponseHeaders, responseMarks } from '../../../src/proxy/engine-headers.js';

describe('the engine response headers a client gets (one flat list for writeHead)', () => {
  const marks = responseMarks('user', 'req-1');

  it('keeps the end-to-end headers as sent, drops the hop-by-hop ones, adds the marks', () => {
    const raw = [
      'Content-Type',
      'application/json',
      'Connection',
      'keep-alive',
      'Keep-Alive',
      'timeout=5',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'Transfer-Encoding',
      'chunked',
      'ETag',
      '"x"',
    ];
    expect(clientResponseHeaders(raw, marks)).toEqual([
      'Content-Type',
      'application/json',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'ETag',
      '"x"',
      'x-switchyard-engine',
      'user',
      'x-request-id',
      'req-1',
    ]);
  });

  it("leaves the engine's own x-request-id as it is and adds only the missing mark", () => {
    const raw = ['X-Request-Id', 'engine-id', 'content-length', '2'];
    expect(clientResponseHeaders(raw, marks)).toEqual([
      'X-Request-Id',
      'engine-id',
      'content-length',
      '2',
      'x-switchyard-engine',
      'user',
    ]);
  });

  it('adds nothing without marks', () => {
    expect(clientResponseHeaders(['upgrade', 'h2c', 'a', 'b'], [])).toEqual(['a', 'b']);
  });
});
