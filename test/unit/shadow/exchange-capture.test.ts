import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BoundedBytes, captureExchange, type ExchangeCapture } from '../../../src/shadow/exchange-capture.js';

describe('BoundedBytes', () => {
  it('keeps bytes up to its limit and nothing once past it', () => {
    const bytes = new BoundedBytes(5);
    bytes.add(Buffer.from('abc'));
    bytes.add(Buffer.from('de'));
    expect(bytes.value()?.toString()).toBe('abcde');
    bytes.add(Buffer.from('f'));
    expect(bytes.over).toBe(true);
    expect(bytes.value()).toBeNull();
  });
});

describe('captureExchange', () => {
  let server: Server;
  let captured: ExchangeCapture | null | undefined;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;

  beforeEach(async () => {
    captured = undefined;
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;

  it('tees the streamed request body and every response chunk, and the client gets them unchanged', async () => {
    handler = (req, res) => {
      captured = captureExchange(req, res, null, 1024);
      // The consumer attaches later, as the forwarder's pipe does: nothing may be lost meanwhile.
      setTimeout(() => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"got":');
          res.write(Buffer.from(String(Buffer.concat(chunks).length)));
          res.end('}');
        });
      }, 30);
    };
    const res = await fetch(url(), { method: 'POST', body: 'hello world' });
    expect(await res.text()).toBe('{"got":11}');
    expect(captured!.requestComplete()).toBe(true);
    expect(captured!.request.value()?.toString()).toBe('hello world');
    expect(captured!.response.value()?.toString()).toBe('{"got":11}');
  });

  it('uses a body the proxy already read, and reports a declared body over the limit at once', async () => {
    handler = (req, res) => {
      captured = captureExchange(req, res, Buffer.from('read before'), 1024);
      res.end('ok');
    };
    await (await fetch(url(), { method: 'GET' })).text();
    expect(captured!.request.value()?.toString()).toBe('read before');
    handler = (req, res) => {
      captured = captureExchange(req, res, null, 4);
      req.resume();
      req.on('end', () => res.end('ok'));
    };
    await (await fetch(url(), { method: 'POST', body: 'too long' })).text();
    expect(captured).toBeNull();
  });

  it('marks a response past the limit as over', async () => {
    handler = (req, res) => {
      captured = captureExchange(req, res, null, 8);
      res.end('a response longer than eight bytes');
    };
    expect(await (await fetch(url())).text()).toBe('a response longer than eight bytes');
    expect(captured!.response.over).toBe(true);
  });
});
