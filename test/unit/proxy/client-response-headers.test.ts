import { clientResponseHeaders, responseMarks } from '../../../src/proxy/engine-headers.js';

describe('the engine response headers a client gets (one flat list for writeHead)', () => {
  const marks = responseMarks('user', 'req-1');

  it('keeps the end-to-end headers, repeated ones repeated, drops the hop-by-hop ones, adds the marks', () => {
    const parsed = {
      'content-type': 'application/json',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'set-cookie': ['a=1', 'b=2'],
      'transfer-encoding': 'chunked',
      etag: '"x"',
    };
    expect(clientResponseHeaders(parsed, marks)).toEqual([
      'content-type',
      'application/json',
      'set-cookie',
      'a=1',
      'set-cookie',
      'b=2',
      'etag',
      '"x"',
      'x-switchyard-engine',
      'user',
      'x-request-id',
      'req-1',
    ]);
  });

  it("leaves the engine's own x-request-id as it is and adds only the missing mark", () => {
    const parsed = { 'x-request-id': 'engine-id', 'content-length': '2' };
    expect(clientResponseHeaders(parsed, marks)).toEqual([
      'x-request-id',
      'engine-id',
      'content-length',
      '2',
      'x-switchyard-engine',
      'user',
    ]);
  });

  it('adds nothing without marks', () => {
    expect(clientResponseHeaders({ upgrade: 'h2c', a: 'b' }, [])).toEqual(['a', 'b']);
  });
});
