import WebSocket from 'ws';
import { signAccessToken } from '../../../engines/index.js';
import { bucket } from '../../../src/routing/bucket.js';

/** `count` user ids whose rollout bucket is within (inside) or above `percent`. */
export function usersAt(percent: number, inside: boolean, count: number, prefix: string): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = `${prefix}-${i}`;
    if (bucket('switchyard-rollout', id) <= percent === inside) ids.push(id);
  }
  return ids;
}

export interface HttpTally {
  /** `engine status` -> count, e.g. `user 500`. */
  byEngineStatus: Map<string, number>;
}

/** One user's HTTP session: create a thread, then read it `reads` times. */
export async function httpSession(
  proxyUrl: string,
  secret: string,
  userId: string,
  reads: number,
  tally: HttpTally,
) {
  const auth = { authorization: `Bearer ${await signAccessToken({ secret, sub: userId })}` };
  const note = (res: Response): void => {
    const key = `${res.headers.get('x-switchyard-engine')} ${res.status}`;
    tally.byEngineStatus.set(key, (tally.byEngineStatus.get(key) ?? 0) + 1);
  };
  const created = await fetch(`${proxyUrl}/api/threads?user_id=${userId}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'system test' }),
  });
  note(created);
  const body = (await created.json()) as { id?: string; thread_id?: string };
  const threadId = body.id ?? body.thread_id ?? 'thread-missing';
  for (let i = 0; i < reads; i++) {
    const res = await fetch(`${proxyUrl}/api/threads/${threadId}?user_id=${userId}`, { headers: auth });
    note(res);
    await res.arrayBuffer();
  }
}

/** A WebSocket session through the proxy: sign in, run one agent turn to its terminal event, close 1000. */
export async function wsRun(proxyUrl: string, secret: string, userId: string): Promise<{ events: string[] }> {
  const jwt = await signAccessToken({ secret, sub: userId });
  const ws = new WebSocket(`${proxyUrl.replace('http', 'ws')}/ws`, {
    headers: { authorization: `Bearer ${jwt}` },
  });
  const types: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no terminal event for ${userId}; got ${types.join(', ')}`)),
        10_000,
      );
      let sent = false;
      ws.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString('utf8')) as { type?: string };
        types.push(String(frame.type));
        if (!sent) {
          sent = true;
          ws.send(
            JSON.stringify({
              type: 'user_message',
              payload: { text: 'hello', thread_id: `thread-${userId}` },
            }),
          );
        }
        if (frame.type === 'agent_completed' || frame.type === 'agent_error') {
          clearTimeout(timer);
          resolve();
        }
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`closed ${code} before the run ended; got ${types.join(', ')}`));
      });
    });
  } finally {
    ws.removeAllListeners('close');
    await new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close(1000);
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }
  return { events: types };
}

/**
 * Sessions that start a run at the same moment, for an engine that leaks (legacy with
 * `faults.leak`): their events cross to each other's socket, where the proxy blocks them.
 * Resolves once every session has had `settleMs` to receive what it would.
 */
export async function wsConcurrentRuns(
  proxyUrl: string,
  secret: string,
  userIds: string[],
  settleMs: number,
) {
  const sockets = await Promise.all(
    userIds.map(async (userId) => {
      const jwt = await signAccessToken({ secret, sub: userId });
      const ws = new WebSocket(`${proxyUrl.replace('http', 'ws')}/ws`, {
        headers: { authorization: `Bearer ${jwt}` },
      });
      ws.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('close', (code) => reject(new Error(`closed ${code} before the welcome frame`)));
      });
      return { ws, userId };
    }),
  );
  for (const { ws, userId } of sockets) {
    ws.send(
      JSON.stringify({ type: 'user_message', payload: { text: 'hello', thread_id: `thread-${userId}` } }),
    );
  }
  await new Promise((r) => setTimeout(r, settleMs));
  await Promise.all(
    sockets.map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000);
        }),
    ),
  );
}
