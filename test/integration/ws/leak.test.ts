import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import type { RelaySession } from '../../../src/ws/relay-session.js';
import { token, until } from '../engines/helpers.js';
import { startRig, type Rig } from './rig.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let rig: Rig;
const USERS = 50;
const BATCH = 100;
/** Enough sessions for every ending (four kinds) to run a hundred times; a leak shows per session. */
const SESSIONS = 400;
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
  await until(() => gw.registry.size() === 0 && rig.legacy.openSockets() === 0, 20_000);
}

/** Open handles by kind, and the listeners on the long-lived emitters. */
function handles(): string {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  counts['process listeners'] = process.eventNames().reduce((n, e) => n + process.listenerCount(e), 0);
  return JSON.stringify(counts);
}

/** Collects until every session object is gone: one still referenced (a timer, a listener, a map) never goes. */
async function collected(refs: WeakRef<RelaySession>[]): Promise<number> {
  const alive = () => refs.filter((r) => r.deref() !== undefined).length;
  await until(() => {
    gc();
    return alive() === 0;
  }, 20_000).catch(() => undefined);
  return alive();
}

describe('resources', () => {
  it('leaves no session object, socket, timer, listener or ownership entry behind after 400 sessions', async () => {
    // Claims released at once: their linger after a session (a reconnect window) is tested apart.
    rig = await startRig({ config: { log: { level: 'info' }, websocket: { claimLingerMs: 0 } } });
    jwts = await Promise.all(Array.from({ length: USERS }, (_, u) => token(`u-${u}`)));
    await sessions(100); // warm-up: JIT, caches, the engine's bounded handshake log
    rig.proxy.logs.length = 0; // the harness's copy of the log lines, not the proxy's memory
    const before = handles();
    const refs: WeakRef<RelaySession>[] = [];
    const gw = rig.proxy.app.gateway;
    const stopWatching = gw.registry.onAdd((s) => refs.push(new WeakRef(s)));
    await sessions(SESSIONS);
    stopWatching();
    rig.proxy.logs.length = 0;
    // A close handshake still finishing on a loaded machine settles; a leaked handle does not.
    await until(() => handles() === before, 20_000).catch(() => undefined);

    expect(refs).toHaveLength(SESSIONS);
    expect(await collected(refs)).toBe(0);
    expect(handles()).toBe(before);
    expect(gw.ownership.size()).toBe(0);
    expect(await rig.metric('switchyard_ws_connections', { engine: 'legacy' })).toBe(0);
    expect(gw.registry.size()).toBe(0);
  }, 120_000);
});
