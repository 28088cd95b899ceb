import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.js';
import { startProxy, type ProxyUnderTest } from '../support/proxy-harness.js';
import { signToken } from '../support/tokens.js';

/** Engine answers the forwarder must pass on as node:http's client did. */
interface Engine {
  url: string;
  /** Bytes of request bodies the engine read. */
  bodyBytesRead: () => number;
  close(): Promise<void>;
}

async function startEngine(): Promise<Engine> {
  let bodyBytes = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/api/early-hints') {
      req.resume();
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"hinted":true}');
    }
    if (req.url === '/api/upload-refused') {
      // Answers before reading the upload, as an engine refusing a large body does.
      res.writeHead(413, { 'content-type': 'application/json' });
      return void res.end('{"error":"too large"}');
    }
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => res.end('{"ok":true}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodyBytesRead: () => bodyBytes,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

function send(
  url: string,
  agent: Agent,
  options: { method: string; headers: Record<string, string>; chunks?: number; chunkBytes?: number },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method, headers: options.headers, agent },
      (res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reusedSocket: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(options.chunkBytes ?? 0, 'a');
    let left = options.chunks ?? 0;
    const write = (): void => {
      while (left > 0) {
        left--;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('engine answers through the forwarder', () => {
  let engine: Engine;
  let other: EchoUpstream;
  let proxy: ProxyUnderTest;
  let auth: Record<string, string>;

  beforeAll(async () => {
    engine = await startEngine();
    other = await startEchoUpstream('user');
    // No flag file: everyone is served by legacy, this engine.
    proxy = await startProxy({
      legacyUrl: engine.url,
      userUrl: other.url,
      config: { log: { level: 'warn' } },
    });
    auth = { authorization: `Bearer ${await signToken('alice')}` };
  });
  afterAll(async () => {
    await proxy.stop();
    await Promise.all([engine.close(), other.close()]);
  });

  it("passes an engine's answer on after its 103 Early Hints", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answer = await send(`${proxy.url}/api/early-hints`, agent, { method: 'GET', headers: auth });
    agent.destroy();
    expect(answer).toMatchObject({ status: 200, body: '{"hinted":true}' });
  });

  it('an engine that answers before reading a streamed upload: the client gets the answer, its upload ends, its connection lives on', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const refused = await send(`${proxy.url}/api/upload-refused`, agent, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' }, // no length: chunked
      chunks: 64,
      chunkBytes: 64 * 1024,
    });
    expect(refused).toMatchObject({ status: 413, body: '{"error":"too large"}' });
    // The same client connection serves the next request: the 4 MiB upload was read to its end.
    const after = await send(`${proxy.url}/api/uploads/after`, agent, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': '1024' },
      chunks: 1,
      chunkBytes: 1024,
    });
    agent.destroy();
    expect(after).toMatchObject({ status: 200, reusedSocket: true });
    expect(engine.bodyBytesRead()).toBeGreaterThanOrEqual(1024);
  }, 30_000);
});
