import { Agent, request } from 'node:http';

/**
 * Closed-loop latency at one connection, measured per request with performance.now(): autocannon's
 * histogram holds whole milliseconds, too coarse for the tens of microseconds a proxy adds.
 * Returns the median in microseconds. Tokens rotate per request, as in load.ts.
 */
export async function oneConnectionP50Micros(
  url: string,
  seconds: number,
  tokens: string[],
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  let i = 0;
  while (performance.now() < until) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          path: '/api/threads/t1',
          agent,
          headers: { authorization: `Bearer ${tokens[i++ % tokens.length]}` },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
    samples.push(performance.now() - started);
  }
  agent.destroy();
  // The first 10% warms connections and caches.
  const kept = samples.slice(Math.floor(samples.length / 10)).sort((a, b) => a - b);
  return Math.round((kept[Math.floor(kept.length / 2)] ?? 0) * 1000);
}
