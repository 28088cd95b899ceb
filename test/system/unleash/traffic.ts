import { signToken } from '../../support/tokens.js';
import type { Member } from './fleet.js';

export interface TrafficReport {
  ok: number;
  failed: string[];
}

/**
 * Requests flowing through every member until `stop()`: a few users each, in a loop, each answer
 * checked against the member's own decision for that user (the engine that served it).
 */
export function startTraffic(members: readonly Member[], users = 20): { stop(): Promise<TrafficReport> } {
  const report: TrafficReport = { ok: 0, failed: [] };
  let running = true;
  const tokens = new Map<string, Promise<string>>();
  const token = (id: string) => tokens.get(id) ?? tokens.set(id, signToken(id)).get(id)!;
  const loop = async (m: Member, lane: number): Promise<void> => {
    for (let i = 0; running; i++) {
      const id = `traffic-${lane}-${i % users}`;
      try {
        const auth = `Bearer ${await token(id)}`;
        const before = m.app.switchboard.decide(id).serve;
        const res = await fetch(`${m.url}/api/threads/t-${i}`, { headers: { authorization: auth } });
        await res.arrayBuffer();
        // The decision may flip while the request is in flight (a rollback arriving): either is right.
        const after = m.app.switchboard.decide(id).serve;
        const engine = res.headers.get('x-engine');
        if (res.status === 200 && (engine === before || engine === after)) report.ok++;
        else
          report.failed.push(
            `${m.name} ${id}: ${res.status} from ${engine ?? '-'} (decided ${before}, then ${after})`,
          );
      } catch (err) {
        report.failed.push(`${m.name} ${id}: ${(err as Error).message}`);
      }
    }
  };
  const loops = members.flatMap((m, n) => [loop(m, 2 * n), loop(m, 2 * n + 1)]);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
}
