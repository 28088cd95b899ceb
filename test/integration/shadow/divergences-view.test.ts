import { createHash } from 'node:crypto';
import { createIdHasher } from '../../../src/log/hash-id.js';
import { READ_TOKEN } from '../../support/proxy-harness.js';
import { ShadowRig, untilMetric } from './rig.js';

let rig: ShadowRig;
const ID_HASH_SECRET = 'id-hash-secret-for-tests-0123456789abcdef';
const hashId = createIdHasher(ID_HASH_SECRET);

afterEach(async () => {
  await rig.close();
});

/** The user engine serves; the legacy shadow fails the run with an error message. */
async function failingShadowRun(shadow: Record<string, unknown> = {}, userId = 'vera') {
  rig = await new ShadowRig().start({
    rollout: 100,
    legacyFaults: { divergence: { kind: 'failure' } },
    shadow: { logSampleRate: 1, ...shadow },
    config: { identity: { idHashSecret: ID_HASH_SECRET } },
  });
  const client = await rig.connect(userId);
  await client.run({ text: 'Analyze my AI costs', thread_id: `thread-${userId}-secret` });
  await untilMetric(rig.proxy, 'switchyard_shadow_comparisons_total', { result: 'mismatch' });
}

describe('GET /admin/divergences', () => {
  it('lists a mismatch with both canonical streams side by side, ids hashed and text redacted', async () => {
    await failingShadowRun();
    const { status, body } = await rig.proxy.admin('GET', '/admin/divergences');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    const item = body.items[0];
    expect(item).toMatchObject({
      id: expect.any(String),
      result: 'mismatch',
      kinds: ['status'],
      runIndex: 0,
    });
    expect(new Date(item.at).toString()).not.toBe('Invalid Date');
    expect(item.session).toMatch(new RegExp(`^${hashId('vera')}\\.`));
    expect(item.control.engine).toBe('user');
    expect(item.candidate.engine).toBe('legacy');
    expect(item.control.events.map((e: any) => e.type)).toContain('agent_completed');
    expect(item.candidate.events.at(-1)).toMatchObject({
      type: 'agent_error',
      status: 'failed',
      error: '[redacted]',
    });
    const started = item.control.events[0];
    expect(started).toMatchObject({
      type: 'agent_started',
      userId: hashId('vera'),
      threadId: hashId('thread-vera-secret'),
    });
    const text = JSON.stringify(body);
    const unkeyed = createHash('sha256').update('vera').digest('hex').slice(0, 12);
    expect(text).not.toContain(unkeyed);
    expect(text).not.toContain('vera');
    expect(text).not.toContain('thread-vera-secret');
    expect(text).not.toContain('upstream timeout');
  });

  it('keeps error texts when redaction is switched off', async () => {
    await failingShadowRun({ redactText: false }, 'walt');
    const { body } = await rig.proxy.admin('GET', '/admin/divergences');
    expect(body.items[0].candidate.events.at(-1).error).toContain('upstream timeout');
  });

  it('filters by kind and limit, and refuses bad ones with 400; the read-only token may read', async () => {
    await failingShadowRun({}, 'xena');
    const ok = async (query: string) =>
      (await rig.proxy.admin('GET', `/admin/divergences${query}`)).body.items;
    expect(await ok('?kind=status')).toHaveLength(1);
    expect(await ok('?kind=mismatch&limit=1')).toHaveLength(1);
    expect(await ok('?kind=tool')).toEqual([]);
    for (const bad of ['?limit=0', '?limit=201', '?limit=abc', '?kind=nonsense']) {
      const res = await rig.proxy.admin('GET', `/admin/divergences${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    const read = await rig.proxy.admin('GET', '/admin/divergences', undefined, READ_TOKEN);
    expect(read.status).toBe(200);
    expect(read.body.items).toHaveLength(1);
  });

  it('writes one sampled log line per mismatch, with its kinds and no content or user id', async () => {
    await failingShadowRun({}, 'yuri');
    const lines = rig.proxy.logs.filter((l) => l.includes('"shadow mismatch"'));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ kinds: ['status'], control: 'user', candidate: 'legacy', runIndex: 0 });
    expect(lines[0]).not.toContain('yuri');
    expect(lines[0]).not.toContain('Analyze');
  });

  it('logs no mismatch when the sample rate is 0, and counts the comparison in /admin/summary', async () => {
    await failingShadowRun({ logSampleRate: 0 }, 'zeno');
    expect(rig.proxy.logs.filter((l) => l.includes('"shadow mismatch"'))).toEqual([]);
    const summary = await rig.proxy.admin('GET', '/admin/summary');
    expect(summary.body.comparisons).toMatchObject({ mismatch: 1 });
  });
});
