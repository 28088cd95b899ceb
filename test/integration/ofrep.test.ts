import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { useEchoProxy } from '../support/echo-proxy-fixture.js';
import { startEchoUpstream } from '../support/echo-upstream.js';
import { ADMIN_TOKEN, READ_TOKEN, startProxy } from '../support/proxy-harness.js';

const t = useEchoProxy();
const ROLLOUT = 'switchyard-rollout';
const SHADOW = 'switchyard-shadow';
const BASELINE = 'switchyard-baseline';

/** OpenFeature's own SDK with the OFREP provider, pointed at the proxy's ops listener. */
async function sdkClient(opsUrl: string, token = READ_TOKEN): Promise<Client> {
  const domain = `ofrep-${Math.random()}`;
  await OpenFeature.setProviderAndWait(
    domain,
    new OFREPProvider({ baseUrl: opsUrl, headers: { authorization: `Bearer ${token}` } }),
  );
  return OpenFeature.getClient(domain);
}

const ofrep = (opsUrl: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${opsUrl}/ofrep/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${READ_TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Runs `work` over `items` with at most `width` in flight. */
async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

afterAll(() => OpenFeature.close());

describe('OFREP on the ops listener', () => {
  it('agrees with the proxy decision on 10,000 ids through the OpenFeature SDK, and with /admin/assignments on a sample', async () => {
    const { proxy } = t;
    await proxy.admin('PUT', '/admin/rollout', { percent: 30 });
    await proxy.admin('PUT', '/admin/shadow', { percent: 20 });
    const ids = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    for (const id of ids.slice(0, 5)) await proxy.admin('PUT', `/admin/overrides/${id}`, { serve: 'user' });
    const client = await sdkClient(proxy.opsUrl);
    const counts = { SPLIT: 0, TARGETING_MATCH: 0, user: 0, shadowed: 0 };
    const disagreements: string[] = [];
    await pool(ids, 32, async (id) => {
      const expected = proxy.app.switchboard.decide(id);
      const serve = await client.getStringDetails(ROLLOUT, 'default', { targetingKey: id });
      const shadow = await client.getStringDetails(SHADOW, 'default', { targetingKey: id });
      if (serve.value !== expected.serve || serve.variant !== expected.serve) disagreements.push(id);
      if (shadow.value !== expected.shadow) disagreements.push(id);
      counts[serve.reason as 'SPLIT' | 'TARGETING_MATCH'] += 1;
      if (serve.value === 'user') counts.user += 1;
      if (shadow.value !== 'none') counts.shadowed += 1;
    });
    expect(disagreements).toEqual([]);
    expect(counts.TARGETING_MATCH).toBe(5);
    expect(counts.SPLIT).toBe(9_995);
    // Both answers really vary: a constant answer would agree with nothing above.
    expect(counts.user).toBeGreaterThan(2_700);
    expect(counts.user).toBeLessThan(3_300);
    expect(counts.shadowed).toBeGreaterThan(1_700);
    expect(counts.shadowed).toBeLessThan(2_300);

    for (const id of ids.filter((_, i) => i % 50 === 0)) {
      const assigned = (await proxy.admin('GET', `/admin/assignments/${id}`, undefined, READ_TOKEN)).body;
      const serve = await client.getStringDetails(ROLLOUT, 'default', { targetingKey: id });
      expect({ id, serve: serve.value, meta: serve.flagMetadata.switchyardReason }).toEqual({
        id,
        serve: assigned.serve,
        meta: assigned.reason,
      });
    }
  }, 180_000);

  it('maps override to TARGETING_MATCH and rollback to DISABLED (legacy for everyone)', async () => {
    const { proxy } = t;
    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    await proxy.admin('PUT', '/admin/overrides/overridden', { serve: 'legacy' });
    const client = await sdkClient(proxy.opsUrl, ADMIN_TOKEN);
    const overridden = await client.getStringDetails(ROLLOUT, 'x', { targetingKey: 'overridden' });
    expect(overridden).toMatchObject({ value: 'legacy', variant: 'legacy', reason: 'TARGETING_MATCH' });
    const other = await client.getStringDetails(ROLLOUT, 'x', { targetingKey: 'someone' });
    expect(other).toMatchObject({ value: 'user', reason: 'SPLIT' });

    await proxy.admin('POST', '/admin/rollback', { reason: 'test' });
    for (const id of ['overridden', 'someone']) {
      const rolled = await client.getStringDetails(ROLLOUT, 'x', { targetingKey: id });
      expect(rolled).toMatchObject({ value: 'legacy', reason: 'DISABLED' });
      expect(await client.getStringValue(SHADOW, 'x', { targetingKey: id })).toBe('none');
    }
  });

  it('answers a missing targetingKey, an unknown flag and a bad body with the OFREP error shapes', async () => {
    const { proxy } = t;
    const client = await sdkClient(proxy.opsUrl);
    expect(await client.getStringDetails(ROLLOUT, 'fallback', {})).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
    });
    expect(await client.getStringDetails('no-such-flag', 'fallback', { targetingKey: 'a' })).toMatchObject({
      value: 'fallback',
      errorCode: 'FLAG_NOT_FOUND',
    });

    const missing = await ofrep(proxy.opsUrl, `/evaluate/flags/${ROLLOUT}`, { context: {} });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      key: ROLLOUT,
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: expect.any(String),
    });
    const notString = await ofrep(proxy.opsUrl, `/evaluate/flags/${ROLLOUT}`, {
      context: { targetingKey: 7 },
    });
    expect(notString.status).toBe(400);
    expect((await notString.json()).errorCode).toBe('INVALID_CONTEXT');
    const broken = await ofrep(proxy.opsUrl, `/evaluate/flags/${ROLLOUT}`, '{not json');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ key: ROLLOUT, errorCode: 'PARSE_ERROR' });
    const bulkMissing = await ofrep(proxy.opsUrl, '/evaluate/flags', { context: { other: 1 } });
    expect(bulkMissing.status).toBe(400);
    expect(await bulkMissing.json()).toEqual({
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: expect.any(String),
    });
    // The proxy still answers a good call after the bad ones.
    expect(
      (await ofrep(proxy.opsUrl, `/evaluate/flags/${ROLLOUT}`, { context: { targetingKey: 'a' } })).status,
    ).toBe(200);
  });

  it('refuses calls without the read or admin token', async () => {
    const { proxy } = t;
    const body = { context: { targetingKey: 'a' } };
    for (const authorization of ['', 'Bearer wrong-token', `Basic ${READ_TOKEN}`]) {
      const res = await ofrep(proxy.opsUrl, `/evaluate/flags/${ROLLOUT}`, body, { authorization });
      expect(res.status).toBe(401);
      expect(JSON.stringify(await res.json())).not.toContain(READ_TOKEN);
    }
    for (const token of [READ_TOKEN, ADMIN_TOKEN]) {
      const res = await ofrep(proxy.opsUrl, '/evaluate/flags', body, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
    }
    const client = await sdkClient(proxy.opsUrl, 'wrong-token');
    expect(await client.getStringDetails(ROLLOUT, 'fallback', { targetingKey: 'a' })).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
    });
  });

  it('answers the bulk call with every flag and an ETag, 304 while unchanged and 200 once the answer changes', async () => {
    const { proxy } = t;
    const body = { context: { targetingKey: 'bulk-user' } };
    const first = await ofrep(proxy.opsUrl, '/evaluate/flags', body);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(await first.json()).toEqual({
      flags: [
        {
          key: ROLLOUT,
          value: 'legacy',
          variant: 'legacy',
          reason: 'SPLIT',
          metadata: { switchyardReason: 'not-in-rollout' },
        },
        {
          key: SHADOW,
          value: 'none',
          variant: 'none',
          reason: 'SPLIT',
          metadata: { switchyardReason: 'not-in-rollout' },
        },
        {
          key: BASELINE,
          value: 'none',
          variant: 'none',
          reason: 'SPLIT',
          metadata: { switchyardReason: 'not-in-rollout' },
        },
      ],
    });
    const again = await ofrep(proxy.opsUrl, '/evaluate/flags', body, {
      'if-none-match': `"other", W/${etag}`,
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // Another user's answer carries another tag even when the flags are the same.
    await proxy.admin('PUT', '/admin/overrides/bulk-other', { serve: 'user' });
    const otherUser = await ofrep(
      proxy.opsUrl,
      '/evaluate/flags',
      { context: { targetingKey: 'bulk-other' } },
      {
        'if-none-match': etag!,
      },
    );
    expect(otherUser.status).toBe(200);

    await proxy.admin('PUT', '/admin/rollout', { percent: 100 });
    const changed = await ofrep(proxy.opsUrl, '/evaluate/flags', body, { 'if-none-match': etag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await changed.json()).flags[0]).toMatchObject({ value: 'user', reason: 'SPLIT' });
  });
});

describe('OFREP when the flags are unknown', () => {
  it('answers ERROR with the OFREP failure shape, so the caller gets its default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-ofrep-'));
    const legacy = await startEchoUpstream('legacy');
    const user = await startEchoUpstream('user');
    await mkdir(join(dir, 'state'));
    await writeFile(join(dir, 'state', 'flags.json'), '{"features": [ broken');
    const proxy = await startProxy({
      legacyUrl: legacy.url,
      userUrl: user.url,
      dir,
      config: { flags: { file: join(dir, 'state', 'flags.json') } },
    });
    try {
      const client = await sdkClient(proxy.opsUrl);
      expect(await client.getStringDetails(ROLLOUT, 'fallback', { targetingKey: 'a' })).toMatchObject({
        value: 'fallback',
        reason: 'ERROR',
        errorCode: 'GENERAL',
      });
      const single = await ofrep(proxy.opsUrl, `/evaluate/flags/${ROLLOUT}`, {
        context: { targetingKey: 'a' },
      });
      expect(single.status).toBe(500);
      expect(await single.json()).toEqual({
        key: ROLLOUT,
        errorCode: 'GENERAL',
        errorDetails: 'no decision: flags-unavailable',
      });
      const bulk = await ofrep(proxy.opsUrl, '/evaluate/flags', { context: { targetingKey: 'a' } });
      expect(bulk.status).toBe(200);
      expect((await bulk.json()).flags).toEqual([
        { key: ROLLOUT, errorCode: 'GENERAL', errorDetails: 'no decision: flags-unavailable' },
        { key: SHADOW, errorCode: 'GENERAL', errorDetails: 'no decision: flags-unavailable' },
        { key: BASELINE, errorCode: 'GENERAL', errorDetails: 'no decision: flags-unavailable' },
      ]);
    } finally {
      await proxy.stop();
      await Promise.all([legacy.close(), user.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
