import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** autocannon's percentiles are whole milliseconds; the mean is finer. */
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
): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
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
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.mean,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
