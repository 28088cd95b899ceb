import { UnleashPoller, type PollerEvents } from '../../../src/flags/unleash/poller.js';
import { CLIENT_TOKEN } from './fake-unleash.js';
import { useFakeUnleash, waitFor } from './helpers.js';

let poller: UnleashPoller | undefined;
const unleash = useFakeUnleash({ seed: { rollout: 15 }, teardown: () => poller?.close() });

function recorder() {
  const seen = {
    polls: 0,
    ok: 0,
    failed: [] as string[],
    data: [] as boolean[],
    pollAt: [] as number[],
    failedAt: 0,
  };
  const events: PollerEvents = {
    data: (_features, fromServer) => seen.data.push(fromServer),
    pollStarted: () => {
      seen.pollAt.push(Date.now());
      seen.polls++;
    },
    pollSucceeded: () => seen.ok++,
    pollFailed: (detail) => {
      seen.failedAt = Date.now();
      seen.failed.push(detail);
    },
    notice: () => undefined,
  };
  return { seen, events };
}

const options = (backupPath: string) => ({
  url: unleash.fake.url,
  apiToken: CLIENT_TOKEN,
  appName: 'switchyard-test',
  instanceId: 'poller-test',
  environment: 'development',
  project: 'default',
  refreshMs: 100,
  backupPath,
  timeoutMs: 1000,
});

describe('polling Unleash with unleash-client', () => {
  it('counts a 304 as a successful poll and hands over new flags only when they change', async () => {
    const { seen, events } = recorder();
    poller = new UnleashPoller(options(unleash.dir), events);
    await poller.start();
    await waitFor(() => seen.ok >= 4);
    expect(seen.data).toEqual([true]);
    expect(seen.failed).toEqual([]);
  });

  it('starts polling again by itself after Unleash refused the token (401)', async () => {
    unleash.fake.acceptedClientToken = 'another-token';
    const { seen, events } = recorder();
    poller = new UnleashPoller(options(unleash.dir), events, 300);
    await poller.start();
    expect(seen.failed.join()).toMatch(/responded 401/);
    const polls = seen.polls;
    unleash.fake.acceptedClientToken = CLIENT_TOKEN;
    await waitFor(() => seen.data.includes(true));
    // unleash-client stopped polling for good (it polls every 100 ms): the next poll is the
    // poller's own restart, 300 ms after the refusal. Timers never fire early.
    expect(seen.pollAt[polls]! - seen.failedAt).toBeGreaterThanOrEqual(290);
  });

  it('polls at once when asked (pollSoon), again while Unleash shows no change, and stops at the change', async () => {
    const { seen, events } = recorder();
    poller = new UnleashPoller({ ...options(unleash.dir), refreshMs: 60_000 }, events);
    await poller.start();
    expect(seen.polls).toBe(1);
    poller.pollSoon(10_000, 20);
    await waitFor(() => seen.ok >= 4); // unchanged (304) polls, 20 ms apart, not 60 s
    expect(seen.data).toEqual([true]);
    unleash.fake.put('switchyard-rollout', false, []);
    await waitFor(() => seen.data.length === 2);
    const polls = seen.polls;
    // Two calls while one poll is in flight make one more poll, not two chains.
    poller.pollSoon(0);
    poller.pollSoon(0);
    await waitFor(() => seen.ok >= polls + 2);
    expect(seen.polls).toBe(polls + 2);
    expect(seen.failed).toEqual([]);
  });
});
