import WebSocket from 'ws';

export interface WsResult {
  framesPerSec: number;
  /** Mean round trip of one small frame, sequential, in microseconds. */
  echoMeanMicros: number;
}

/** A client WebSocket through the proxy, open, without compression (as the load runs it). */
export function openSocket(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Frames per second received from an engine flood, and the echo round trip. */
export async function wsLoad(
  url: string,
  token: string,
  user: string,
  frames: number,
  echoes: number,
): Promise<WsResult> {
  const ws = await openSocket(url, token);
  // Let a welcome frame, if any, pass before measuring.
  await new Promise((r) => setTimeout(r, 50));
  const flood = new Promise<number>((resolve) => {
    let got = 0;
    const started = performance.now();
    const onMessage = () => {
      if (++got === frames) {
        ws.off('message', onMessage);
        resolve(performance.now() - started);
      }
    };
    ws.on('message', onMessage);
  });
  ws.send(JSON.stringify({ type: 'user_message', flood: frames, user }));
  const floodMs = await flood;
  const echoStarted = performance.now();
  for (let i = 0; i < echoes; i++) {
    await new Promise<void>((resolve) => {
      ws.once('message', () => resolve());
      ws.send('{"type":"ping"}');
    });
  }
  const echoMs = performance.now() - echoStarted;
  ws.close();
  return {
    framesPerSec: Math.round(frames / (floodMs / 1000)),
    echoMeanMicros: Math.round((echoMs / echoes) * 1000),
  };
}
