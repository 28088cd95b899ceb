import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface SlowLink {
  url: string;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of an engine that holds every chunk coming back from it for `delayMs`
 * (in order): each HTTP response and WebSocket frame arrives that much later, as from a slower
 * engine. Requests and handshakes go through untouched.
 */
export async function startSlowLink(targetUrl: string, delayMs: number): Promise<SlowLink> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let chain = Promise.resolve();
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      chain = chain
        .then(() => new Promise((r) => setTimeout(r, delayMs)))
        .then(() => {
          if (!client.destroyed) client.write(chunk);
        });
    });
    upstream.on('end', () => void chain.then(() => client.end()));
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', () => void chain.then(drop));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
