import { Agent, request } from 'node:http';
import { cpuMillis } from './rss.js';

export interface PacedResult {
  p50Micros: number;
  p99Micros: number;
  sent: number;
  errors: number;
  /** The proxy's CPU time over the run's wall time: well under 1 is an unsaturated proxy. */
  proxyBusy: number;
}

/**
 * Open-loop load at a fixed rate: requests start on schedule whether or not earlier ones have
 * answered, each timed from its start with performance.now() (autocannon's percentiles are whole
 * milliseconds, too coarse for a p99 near one millisecond). Tokens rotate per request.
 */
export async function pacedLatency(
  url: string,
  rate: number,
  seconds: number,
  tokens: string[],
  proxyPid = 0,
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const { hostname, port } = new URL(url);
  const samples: number[] = [];
  let sent = 0;
  let errors = 0;
  let inFlight = 0;
  const one = (): void => {
    const started = performance.now();
    inFlight++;
    const req = request(
      {
        host: hostname,
        port,
        path: '/api/threads/t1',
        agent,
        headers: { authorization: `Bearer ${tokens[sent % tokens.length]}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          samples.push(performance.now() - started);
        });
      },
    );
    req.on('error', () => {
      inFlight--;
      errors++;
    });
    req.end();
    sent++;
  };
  const begun = performance.now();
  const cpuBefore = cpuMillis(proxyPid);
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - begun;
      if (elapsed >= seconds * 1000) {
        clearInterval(tick);
        return resolve();
      }
      const due = Math.floor((elapsed / 1000) * rate);
      while (sent < due) one();
    }, 1);
  });
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  const proxyBusy = (cpuMillis(proxyPid) - cpuBefore) / (performance.now() - begun);
  agent.destroy();
  const sorted = samples.sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.floor(sorted.length * q)] ?? 0) * 1000);
  return {
    p50Micros: at(0.5),
    p99Micros: at(0.99),
    sent,
    errors,
    proxyBusy: Math.round(proxyBusy * 100) / 100,
  };
}
