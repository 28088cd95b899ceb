import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { token, until } from '../engines/helpers.js';
import { sleep, startRig, type Rig } from './rig.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let rig: Rig;
const USERS = 50;
const BATCH = 250;
let jwts: string[] = [];

afterAll(async () => {
  await rig.stop();
});

/** One session, ended in one of four ways: the client closes, the client drops, the engine closes, or after binary. */
async function session(i: number): Promise<void> {
  const ws = new WebSocket(`${rig.wsUrl}/ws`, { headers: { authorization: `Bearer ${jwts[i % USERS]}` } });
  ws.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise<void>((resolve) => ws.once('message', () => resolve()));
  switch (i % 4) {
    case 0:
      ws.send(
        JSON.stringify({
          type: 'session_restore',
          payload: { threadId: `thread-${i}`, user_id: `u-${i % USERS}` },
        }),
      );
      await new Promise((resolve) => ws.once('message', resolve));
      ws.close(1000);
      break;
    case 1:
      ws.terminate();
      break;
    case 2:
      ws.send(JSON.stringify({ type: 'close_me', payload: { code: 4000, reason: 'engine done' } }));
      break;
    default:
      ws.send(Buffer.from([i & 255, 1, 2]));
      await new Promise((resolve) => ws.once('message', resolve));
      ws.close(4001, 'bye');
  }
  await closed;
}

async function sessions(count: number): Promise<void> {
  for (let from = 0; from < count; from += BATCH) {
    await Promise.all(Array.from({ length: Math.min(BATCH, count - from) }, (_, k) => session(from + k)));
  }
  const gw = rig.proxy.app.gateway;
  await until(() => gw.registry.size() === 0 && rig.legacy.openSockets() === 0, 5000);
}

/** Open handles by kind, and the listeners on the long-lived emitters. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  counts['process listeners'] = process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0);
  return counts;
}

async function settledHeap(): Promise<number> {
  rig.proxy.logs.length = 0; // the harness's copy of the log lines, not the proxy's memory
  await sleep(50);
  for (let k = 0; k < 4; k++) {
    gc();
    await sleep(10);
  }
  return process.memoryUsage().heapUsed;
}

describe('resources', () => {
  it('leaves no socket, timer, listener or ownership entry behind after 5,000 sessions', async () => {
    rig = await startRig({ config: { log: { level: 'info' } } });
    jwts = await Promise.all(Array.from({ length: USERS }, (_, u) => token(`u-${u}`)));
    await sessions(600); // warm-up: JIT, caches, the engine's bounded handshake log
    const handlesBefore = handles();
    const heapBefore = await settledHeap();
    const started = Date.now();
    await sessions(5000);
    const seconds = (Date.now() - started) / 1000;
    const heapAfter = await settledHeap();
    // A close handshake still finishing on a loaded machine settles in milliseconds; a leak does not.
    const same = () => JSON.stringify(handles()) === JSON.stringify(handlesBefore);
    await until(same, 3000).catch(() => undefined);
    const handlesAfter = handles();
    const gw = rig.proxy.app.gateway;
    const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
    console.log(
      `5000 sessions in ${seconds} s; heap ${mib(heapBefore)} -> ${mib(heapAfter)} MiB; handles`,
      handlesBefore,
      '->',
      handlesAfter,
    );
    expect(handlesAfter).toEqual(handlesBefore);
    expect(heapAfter - heapBefore).toBeLessThanOrEqual(Math.max(0.1 * heapBefore, 5 * 1048576));
    expect(gw.ownership.size()).toBe(0);
    expect(await rig.metric('switchyard_ws_connections', { engine: 'legacy' })).toBe(0);
    expect(rig.proxy.app.gateway.registry.size()).toBe(0);
  }, 30_000);
});
