import type { Counter, Histogram } from 'prom-client';
import { statusClass, type Metrics } from './catalog.js';

/**
 * The per-request metric updates with their labelled children cached: prom-client's `labels()`
 * hashes its label set on every call, which the request path does not need to pay.
 */
export class HotPathMetrics {
  private readonly requestChildren = new Map<
    string,
    { count: ReturnType<Counter['labels']>; duration: ReturnType<Histogram['labels']> }
  >();
  private readonly decisionChildren = new Map<string, ReturnType<Counter['labels']>>();

  constructor(private readonly metrics: Metrics) {}

  request(engine: string, kind: 'http' | 'ws', route: string, status: number, seconds: number): void {
    const sc = statusClass(status);
    const key = `${engine}|${kind}|${route}|${sc}`;
    let child = this.requestChildren.get(key);
    if (child === undefined) {
      child = {
        count: this.metrics.requests.labels(engine, kind, route, sc),
        duration: this.metrics.requestDuration.labels(engine, kind, route, sc),
      };
      this.requestChildren.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  }

  decision(engine: string, reason: string): void {
    const key = `${engine}|${reason}`;
    let child = this.decisionChildren.get(key);
    if (child === undefined) {
      child = this.metrics.decisions.labels(engine, reason);
      this.decisionChildren.set(key, child);
    }
    child.inc();
  }
}
