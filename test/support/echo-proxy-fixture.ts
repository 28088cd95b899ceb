import { startEchoUpstream, type EchoUpstream } from './echo-upstream.js';
import { startProxy, type HarnessOptions, type ProxyUnderTest } from './proxy-harness.js';

export interface EchoProxy {
  legacy: EchoUpstream;
  user: EchoUpstream;
  proxy: ProxyUnderTest;
}

/** What the proxy is started with besides the two engines' addresses. */
export type EchoProxyOptions = Omit<HarnessOptions, 'legacyUrl' | 'userUrl'>;

/**
 * Two echo engines and the real proxy in front of them, fresh for each test of the calling file
 * and stopped after it. A test may replace `legacy` or `user` (a restarted engine); the
 * replacement is the one closed.
 */
export function useEchoProxy(options: EchoProxyOptions = {}): EchoProxy {
  const t = {} as EchoProxy;
  beforeEach(async () => {
    t.legacy = await startEchoUpstream('legacy');
    t.user = await startEchoUpstream('user');
    t.proxy = await startProxy({ legacyUrl: t.legacy.url, userUrl: t.user.url, ...options });
  });
  afterEach(async () => {
    await t.proxy.stop();
    await Promise.all([t.legacy.close(), t.user.close()]);
  });
  return t;
}
