import WebSocket from 'ws';
import { startProxyRig } from './proxy-rig.js';
import { RssSampler } from './rss.js';
import { benchToken } from './tokens.js';
import { openSocket } from './ws-load.js';

/**
 * `npm run bench:idle`: the proxy's RSS with BENCH_IDLE_SESSIONS idle WebSocket sessions open
 * through it (issue 20: 10,000 in under 300 MiB), each its own user, 50% rollout. A session
 * holds two descriptors in the proxy (client and engine sockets): the default of 9,900 is
 * what a 20,000 open-files limit allows; the per-session figure is printed to scale from.
 */
const SESSIONS = Number(process.env.BENCH_IDLE_SESSIONS ?? 9_900);
const AT_ONCE = 100;
const SETTLE_MS = 5_000;
const rig = await startProxyRig('idle');
const proxy = await rig.start();
const rss = new RssSampler(proxy.pid);
const url = `ws://127.0.0.1:${proxy.port}/ws`;
const open = async (i: number): Promise<WebSocket> => openSocket(url, await benchToken(`idle-user-${i}`));

const sockets: WebSocket[] = [];
let failed = 0;
try {
  const idleMiB = rss.stop().idleMiB;
  const sampler = new RssSampler(proxy.pid);
  const started = performance.now();
  for (let i = 0; i < SESSIONS; i += AT_ONCE) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(AT_ONCE, SESSIONS - i) }, (_, k) => open(i + k)),
    );
    for (const r of batch) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else failed++;
    }
  }
  const openedMs = Math.round(performance.now() - started);
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const m = sampler.stop();
  const closedEarly = sockets.filter((s) => s.readyState !== WebSocket.OPEN).length;
  proxy.child.kill('SIGUSR2'); // HEAP {...} on stderr
  const perSessionKiB = Math.round(((m.endMiB - idleMiB) * 1024) / Math.max(1, sockets.length));
  console.log(
    `idle sessions: ${sockets.length} open (${failed} refused, ${closedEarly} closed since) in ${openedMs} ms` +
      ` | proxy RSS idle ${idleMiB} MiB, peak ${m.peakMiB} MiB, with the sessions open ${m.endMiB} MiB` +
      ` | ${perSessionKiB} KiB per session, 10,000 sessions ≈ ${Math.round(idleMiB + (perSessionKiB * 10_000) / 1024)} MiB (target < 300)`,
  );
  await new Promise((r) => setTimeout(r, 200));
} finally {
  for (const s of sockets) s.terminate();
  await rig.stop();
}
