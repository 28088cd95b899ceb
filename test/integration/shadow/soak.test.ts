import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { token, until } from '../engines/helpers.js';
import { comparisons, metric, ShadowRig, sleep } from './rig.js';

const USERS = 100;
const WARM_UP = 100;
const SOAK = Number(process.env['SOAK_SESSIONS'] ?? 300);
const CONCURRENCY = 25;

/** `global.gc` when node runs with --expose-gc, else the same function fetched through V8's flag. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

let rig: ShadowRig;

afterAll(async () => {
  await rig.close();
});

describe('soak', () => {
  it('keeps memory flat over 300 shadowed sessions with runs and HTTP requests (heap after GC within 10% or 5 MiB of warm-up)', async () => {
    rig = await new ShadowRig().start({
      rollout: 100,
      legacyFaults: { stepDelayMs: 2 },
      userFaults: { stepDelayMs: 2 },
      config: { log: { level: 'warn', requests: false } },
      shadowPercent: Number(process.env['SOAK_SHADOW'] ?? 100),
    });
    const jwts = await Promise.all(Array.from({ length: USERS }, (_, i) => token(`soak-${i}`)));
    const gc = collector();
    let started = 0;

    const session = async (n: number): Promise<void> => {
      const client = await rig.connectWith('/ws', { authorization: `Bearer ${jwts[n % USERS]}` });
      // A distinct agent per run: legacy's runs of one agent started in the same millisecond cross.
      const events = await client.run({
        text: 'soak',
        thread_id: `thread-soak-${n}`,
        agent_name: `Agent${n}`,
      });
      expect(events.at(-1).type).toBe('agent_completed');
      const health = await fetch(`${rig.proxy.url}/health`, {
        headers: { authorization: `Bearer ${jwts[n % USERS]}` },
      });
      expect(health.status).toBe(200);
      await health.arrayBuffer();
      client.ws.close(1000);
      await client.closed;
    };
    const sessions = async (count: number): Promise<void> => {
      for (let done = 0; done < count; done += CONCURRENCY) {
        const batch = Math.min(CONCURRENCY, count - done);
        await Promise.all(Array.from({ length: batch }, () => session(started++)));
      }
      await until(() => rig.legacy.openSockets() === 0 && rig.user.openSockets() === 0);
      while ((await metric(rig.proxy, 'switchyard_shadow_inflight')) > 0) await sleep(10);
    };
    const settledHeap = async (): Promise<number> => {
      // What the test harness keeps (log lines, recorded handshakes) is not the proxy's.
      rig.proxy.logs.length = 0;
      rig.legacy.handshakes.length = 0;
      rig.user.handshakes.length = 0;
      for (let i = 0; i < 4; i++) {
        gc();
        await sleep(20);
      }
      return process.memoryUsage().heapUsed;
    };

    await sessions(WARM_UP);
    const warm = await settledHeap();
    await sessions(SOAK);
    const after = await settledHeap();

    const judged = await comparisons(rig.proxy);
    if (process.env['SOAK_SHADOW'] === undefined) expect(judged.match).toBe(2 * (WARM_UP + SOAK));
    const growth = after - warm;
    const mib = (b: number) => Math.round((b / 2 ** 20) * 100) / 100;
    if (process.env['SOAK_REPORT'] !== undefined) {
      console.log(
        `soak: warm-up ${mib(warm)} MiB, after ${SOAK} sessions ${mib(after)} MiB, growth ${mib(growth)} MiB`,
      );
    }
    expect(growth <= warm * 0.1 || growth <= 5 * 2 ** 20).toBe(true);
  }, 120_000);
});
