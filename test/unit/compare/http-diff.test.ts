import fc from 'fast-check';
import { DEFAULT_HTTP_IGNORE, diffHttp, type HttpResponseSample } from '../../../src/compare/http-diff.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const res = (body: unknown, status = 200, contentType: string | null = JSON_TYPE): HttpResponseSample => ({
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  contentType,
});

const execute = (over: Record<string, unknown> = {}) => ({
  run_id: 'run_1',
  status: 'started',
  user_id: 'alice',
  thread_id: 'thread_1',
  session_scoped: true,
  engine: 'legacy',
  created_at: '2025-09-10T20:01:02Z',
  execution_time: 0.12,
  request_id: 'req-1',
  meta: { timestamp: 1, nested: [{ timestamp: 2, run_id: 'r' }] },
  ...over,
});

describe('diffHttp', () => {
  it('ignores the volatile response fields, at any depth, and the top-level engine', () => {
    const other = execute({
      run_id: 'run_2',
      thread_id: 'thread_9',
      engine: 'user',
      created_at: 'later',
      execution_time: 9,
      request_id: 'req-2',
      meta: { timestamp: 99, nested: [{ timestamp: 3, run_id: 's' }] },
    });
    expect(diffHttp(res(execute()), res(other))).toEqual({ result: 'match', kinds: [], fields: [] });
  });

  it('catches a status change', () => {
    expect(diffHttp(res(execute()), res(execute(), 500))).toEqual({
      result: 'mismatch',
      kinds: ['status'],
      fields: [],
    });
  });

  it('catches a changed, missing or added field by its path', () => {
    const changed = execute({
      status: 'failed',
      meta: { timestamp: 1, nested: [{ timestamp: 2, run_id: 'r', x: 1 }] },
    });
    const missing = Object.fromEntries(Object.entries(changed).filter(([key]) => key !== 'session_scoped'));
    const j = diffHttp(res(execute()), res(missing));
    expect(j.kinds).toEqual(['field']);
    expect(j.fields).toEqual(['status', 'session_scoped', 'meta.nested.0.x']);
  });

  it('does not ignore an engine field below the top level', () => {
    expect(diffHttp(res({ a: { engine: 'legacy' } }), res({ a: { engine: 'user' } })).fields).toEqual([
      'a.engine',
    ]);
  });

  it('ignores configured paths, with * for one segment', () => {
    const a = { id: 't1', object: 'thread', items: [{ id: 1, v: 'x' }] };
    const b = { id: 't2', object: 'thread', items: [{ id: 2, v: 'x' }] };
    expect(diffHttp(res(a), res(b)).fields).toEqual(['id', 'items.0.id']);
    expect(diffHttp(res(a), res(b), { ignorePaths: ['id', 'items.*.id'] }).result).toBe('match');
  });

  it('lets the ignored set be replaced, the defaults being exported', () => {
    expect(DEFAULT_HTTP_IGNORE).toContain('engine');
    expect(diffHttp(res(execute()), res(execute({ engine: 'user' })), { ignore: [] }).fields).toEqual([
      'engine',
    ]);
  });

  it('compares non-JSON bodies byte for byte', () => {
    expect(diffHttp(res('hello', 200, 'text/plain'), res('hello', 200, 'text/plain')).result).toBe('match');
    expect(diffHttp(res('hello', 200, 'text/plain'), res('hellO', 200, 'text/plain')).fields).toEqual([
      'body',
    ]);
    const bytes = (s: string): HttpResponseSample => ({
      status: 200,
      body: new TextEncoder().encode(s),
      contentType: 'text/html',
    });
    expect(diffHttp(bytes('<p>'), res('<p>', 200, 'text/html')).result).toBe('match');
  });

  it('reads a body without a content type as JSON when it parses', () => {
    expect(diffHttp(res(execute(), 200, null), res(execute({ run_id: 'x' }), 200, null)).result).toBe(
      'match',
    );
  });

  it('reports a media type change and a JSON body against a non-JSON one', () => {
    const j = diffHttp(res({ a: 1 }), res('{"a":1}', 200, 'text/plain'));
    expect(j.fields).toEqual(['content-type']);
    expect(diffHttp(res({ a: 1 }), res('oops', 200, JSON_TYPE)).fields).toEqual(['body']);
  });

  it('matches any JSON body with itself and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 100, max: 599 }), (body, status) => {
        expect(diffHttp(res(body, status), res(body, status)).result).toBe('match');
      }),
    );
  });
});
