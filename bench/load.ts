import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSec: number;
  /** Requests answered in the run. */
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** At one connection, closed loop: 1000 / requests per second, finer than autocannon's whole-ms percentiles. */
  meanMs: number;
  errors: number;
  non2xx: number;
}

/** One autocannon run; tokens rotate per request so the proxy sees many users. */
export async function load(
  url: string,
  connections: number,
  seconds: number,
  tokens: string[],
  overallRate?: number,
): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    ...(overallRate !== undefined && { overallRate }),
    requests: [
      {
        method: 'GET',
        path: '/api/threads/t1',
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, authorization: `Bearer ${tokens[i++ % tokens.length]}` },
        }),
      },
    ],
  });
  return {
    requestsPerSec: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: connections === 1 ? 1000 / result.requests.average : result.latency.mean,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
