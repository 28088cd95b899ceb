import type { IncomingHttpHeaders } from 'node:http';
import { engineHeaderList, engineHeaders } from '../../../src/proxy/engine-headers.js';

const socket = { remoteAddress: '10.0.0.7', localPort: 8080 };
const plain = { engineHost: 'engine:9000', readBodyLength: null, trace: null } as const;

/** The list as name → values, to compare with the object policy whatever the order. */
function byName(list: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < list.length; i += 2) (out[list[i]!] ??= []).push(list[i + 1]!);
  return out;
}

describe('the engine request headers as one flat list', () => {
  it('sends what the object policy sends: hop-by-hop dropped, x-forwarded-* filled in', () => {
    const h: IncomingHttpHeaders = {
      host: 'switchyard.example',
      accept: 'application/json',
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'proxy-authorization': 'Basic abc',
      te: 'trailers',
      'x-request-id': 'req-1',
    };
    const list = byName(engineHeaderList(h, socket, plain));
    const object = engineHeaders(h, socket);
    expect(list).toEqual(Object.fromEntries(Object.entries(object).map(([k, v]) => [k, [v]])));
    expect(list['x-forwarded-for']).toEqual(['10.0.0.7']);
    expect(list['x-forwarded-host']).toEqual(['switchyard.example']);
    expect(list['connection']).toBeUndefined();
    expect(list['proxy-authorization']).toBeUndefined();
  });

  it("appends to the client's x-forwarded-for once and keeps the other x-forwarded-* it sent", () => {
    const h = {
      host: 'a',
      'x-forwarded-for': '1.2.3.4',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      'x-forwarded-host': 'public.example',
    };
    const list = byName(engineHeaderList(h, socket, plain));
    expect(list['x-forwarded-for']).toEqual(['1.2.3.4, 10.0.0.7']);
    expect(list['x-forwarded-proto']).toEqual(['https']);
    expect(list['x-forwarded-port']).toEqual(['443']);
    expect(list['x-forwarded-host']).toEqual(['public.example']);
  });

  it("adds the engine's host only when the client sent none", () => {
    expect(byName(engineHeaderList({}, socket, plain))['host']).toEqual(['engine:9000']);
    expect(byName(engineHeaderList({ host: 'c' }, socket, plain))['host']).toEqual(['c']);
  });

  it("gives a body read whole its own length, in place of the client's", () => {
    const h = { host: 'a', 'content-length': '999' };
    const list = byName(engineHeaderList(h, socket, { ...plain, readBodyLength: 12 }));
    expect(list['content-length']).toEqual(['12']);
  });

  it("leaves a streamed body's framing to the client library: its content-length if it sent one, never transfer-encoding or expect", () => {
    const streamed = { host: 'a', 'transfer-encoding': 'chunked', expect: '100-continue' };
    const list = byName(engineHeaderList(streamed, socket, plain));
    expect(list['transfer-encoding']).toBeUndefined();
    expect(list['expect']).toBeUndefined();
    expect(list['content-length']).toBeUndefined();
    const sized = byName(engineHeaderList({ host: 'a', 'content-length': '5' }, socket, plain));
    expect(sized['content-length']).toEqual(['5']);
  });

  it("replaces the client's trace context with the proxy's, and drops a tracestate it did not give", () => {
    const h = { host: 'a', traceparent: '00-aaaa-bbbb-01', tracestate: 'vendor=1' };
    const traced = byName(
      engineHeaderList(h, socket, { ...plain, trace: { traceparent: '00-cccc-dddd-01' } }),
    );
    expect(traced['traceparent']).toEqual(['00-cccc-dddd-01']);
    expect(traced['tracestate']).toBeUndefined();
    const untraced = byName(engineHeaderList(h, socket, plain));
    expect(untraced['traceparent']).toEqual(['00-aaaa-bbbb-01']);
    expect(untraced['tracestate']).toEqual(['vendor=1']);
  });

  it('repeats a header the client sent more than once', () => {
    const list = engineHeaderList({ host: 'a', 'set-cookie': ['a=1', 'b=2'] }, socket, plain);
    expect(byName(list)['set-cookie']).toEqual(['a=1', 'b=2']);
  });
});
