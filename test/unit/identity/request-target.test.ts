import { parseRequestTarget } from '../../../src/proxy/request-target.js';

const ok = (url: string) => {
  const target = parseRequestTarget(url);
  if (!target.ok) throw new Error(`refused ${url}: ${target.reason}`);
  return target;
};

describe('parseRequestTarget: the target as the backend reads it', () => {
  it('leaves a plain path and its raw query as they are', () => {
    expect(ok('/api/agent/run_agent?user_id=a%20b&x=1')).toEqual({
      ok: true,
      match: '/api/agent/run_agent',
      forward: '/api/agent/run_agent?user_id=a%20b&x=1',
      search: 'user_id=a%20b&x=1',
    });
  });

  it.each([
    ['/api/agent/run%5Fagent', '/api/agent/run_agent'],
    ['/api/agent/%762/execute', '/api/agent/v2/execute'],
    ['/api/agent/./run_agent', '/api/agent/run_agent'],
    ['/api/x/../agent/run_agent', '/api/agent/run_agent'],
    ['/api//agent///run_agent', '/api/agent/run_agent'],
    ['//api/agent/run_agent', '/api/agent/run_agent'],
    ['/api/agent/%2E/run_agent', '/api/agent/run_agent'],
    ['/../../api/agent/run_agent', '/api/agent/run_agent'],
  ])('decodes and resolves %s to %s, and forwards the canonical form', (raw, canonical) => {
    const target = ok(raw);
    expect(target.match).toBe(canonical);
    expect(target.forward).toBe(canonical);
  });

  it('matches without a trailing slash but forwards it (Starlette redirects it back through the proxy)', () => {
    expect(ok('/api/agent/run_agent/')).toMatchObject({
      match: '/api/agent/run_agent',
      forward: '/api/agent/run_agent/',
    });
    expect(ok('/api/agent//run%5Fagent/?q=1')).toMatchObject({
      match: '/api/agent/run_agent',
      forward: '/api/agent/run_agent/?q=1',
    });
    expect(ok('/')).toMatchObject({ match: '/', forward: '/' });
  });

  it('reduces absolute-form to its path and query', () => {
    expect(ok('http://engine.example:8000/api/agent/run_agent?user_id=bob')).toMatchObject({
      match: '/api/agent/run_agent',
      forward: '/api/agent/run_agent?user_id=bob',
      search: 'user_id=bob',
    });
    expect(ok('HTTPS://h')).toMatchObject({ match: '/', forward: '/' });
  });

  it('re-encodes what a path must carry encoded and keeps UTF-8', () => {
    expect(ok('/api/threads/a%20b%C3%A9')).toMatchObject({
      match: '/api/threads/a bé',
      forward: '/api/threads/a%20b%C3%A9',
    });
  });

  it.each([
    ['an encoded slash', '/api/agent%2Frun_agent'],
    ['an encoded backslash', '/api/agent%5Crun_agent'],
    ['an encoded percent', '/api/agent/run%255Fagent'],
    ['an encoded NUL', '/api/agent/run_agent%00'],
    ['an encoded control character', '/api/agent/run_agent%0A'],
    ['a malformed escape', '/api/agent/run%5'],
    ['a non-hex escape', '/api/agent/run%zzagent'],
    ['invalid UTF-8', '/api/threads/%C3%28'],
    ['a raw backslash', '/api\\agent/run_agent'],
    ['a raw non-ASCII character', '/api/threads/é'],
    ['a fragment', '/api/agent/run_agent#x'],
    ['asterisk-form', '*'],
    ['an authority-form or odd scheme', 'ftp://host/api'],
  ])('refuses %s', (_what, raw) => {
    expect(parseRequestTarget(raw).ok).toBe(false);
  });
});
