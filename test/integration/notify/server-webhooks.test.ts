import { startEngine, createTicketStore, type RunningEngine } from '../../../engines/index.js';
import { verifyWebhook } from '../../../src/notify/signature.js';
import { ADMIN_TOKEN, startProxy, type ProxyUnderTest } from '../../support/proxy-harness.js';
import { until } from '../../support/until.js';
import { startReceiver, type Answer, type WebhookReceiver } from '../../support/webhook-receiver.js';
import { SECRET, token } from '../engines/helpers.js';

const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789abcdef';

let legacy: RunningEngine;
let user: RunningEngine;
let proxy: ProxyUnderTest;
let receiver: WebhookReceiver;

async function setup(answer?: (index: number) => Answer, userFaults = {}) {
  const tickets = createTicketStore();
  legacy = await startEngine({ kind: 'legacy', jwtSecret: SECRET, tickets });
  user = await startEngine({ kind: 'user', jwtSecret: SECRET, tickets, faults: userFaults });
  receiver = await startReceiver(answer);
  proxy = await startProxy({
    legacyUrl: legacy.url,
    userUrl: user.url,
    config: {
      jwt: { secret: SECRET },
      guard: { mode: 'enforce', windowSeconds: 300, minRequests: 20, minUsers: 5, minComparisons: 10 },
      notify: { webhookUrls: [receiver.url], webhookSecret: WEBHOOK_SECRET },
    },
  });
  await proxy.admin('PUT', '/admin/rollout', { percent: 50 });
}

afterEach(async () => {
  await proxy.stop();
  await Promise.all([legacy.close(), user.close(), receiver.close()]);
});

const signedBy = (w: WebhookReceiver['received'][number], secret: string) =>
  verifyWebhook(
    secret,
    {
      timestamp: w.headers['x-switchyard-timestamp'] as string,
      signature: w.headers['x-switchyard-signature'] as string,
    },
    w.body,
    Date.now() / 1000,
  );

async function get(userId: string): Promise<string> {
  const res = await fetch(`${proxy.url}/api/threads/t-1`, {
    headers: { authorization: `Bearer ${await token(userId)}` },
  });
  await res.arrayBuffer();
  return res.headers.get('x-switchyard-engine') ?? `status ${res.status}`;
}

describe('webhooks from a running proxy', () => {
  it('POST /admin/rollback sends a signed `rollback` webhook a Slack incoming webhook shows as is; resume sends `resume`', async () => {
    await setup();
    expect((await proxy.admin('POST', '/admin/rollback', { reason: 'bad deploy <v2>' })).status).toBe(200);
    await until(() => receiver.received.length === 1, 10_000, 'the rollback webhook');
    const [rollback] = receiver.received;
    expect(signedBy(rollback!, WEBHOOK_SECRET)).toBe(true);
    expect(signedBy(rollback!, `${WEBHOOK_SECRET}-not`)).toBe(false);
    expect(rollback!.json).toMatchObject({
      type: 'rollback',
      trigger: 'manual',
      reason: 'bad deploy <v2>',
      engagedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      instance: expect.any(String),
    });
    expect(rollback!.json.text).toMatch(
      /^Switchyard \(.+\): rollback engaged \(manual\): bad deploy &lt;v2&gt;\. Every user now goes to legacy\.$/,
    );
    expect(rollback!.body).not.toContain(ADMIN_TOKEN);

    expect((await proxy.admin('POST', '/admin/resume', {})).status).toBe(200);
    await until(() => receiver.received.length === 2, 10_000, 'the resume webhook');
    expect(receiver.received[1]!.json).toMatchObject({ type: 'resume' });
    expect(signedBy(receiver.received[1]!, WEBHOOK_SECRET)).toBe(true);
    let metrics = '';
    const sent = (type: string) => new RegExp(`switchyard_notify_sent_total\\{type="${type}"\\} 1\n`);
    for (let i = 0; !(sent('rollback').test(metrics) && sent('resume').test(metrics)); i++) {
      if (i > 500) throw new Error(`webhooks not counted as sent:\n${metrics}`);
      await new Promise((r) => setTimeout(r, 10));
      metrics = await (await fetch(`${proxy.opsUrl}/metrics`)).text();
    }
    expect(metrics).toMatch(/switchyard_notify_failures_total\{reason="server_error"\} 0/);
  });

  it('a guard rollback sends `guard-breach` (naming the gate) and then `rollback` with trigger guard', async () => {
    await setup(undefined, { httpFailRate: 1 });
    const users = Array.from({ length: 40 }, (_, i) => `notify-user-${i}`);
    const seen = { legacy: 0, user: 0 } as Record<string, number>;
    for (let i = 0; seen.legacy! < 40 || seen.user! < 40; i++) {
      const engine = await get(users[i % users.length]!);
      seen[engine] = (seen[engine] ?? 0) + 1;
      if (i > 2000) throw new Error('traffic did not reach both engines');
    }
    proxy.app.guard.evaluate();
    await until(() => receiver.received.length === 2, 10_000, 'the guard webhooks');
    const [breach, rollback] = receiver.received.map((w) => w.json);
    expect(breach).toMatchObject({ type: 'guard-breach', gate: 'error_rate' });
    expect(breach.reason).toMatch(/^error_rate: /);
    expect(breach.text).toMatch(/guard breach \(error_rate\): error_rate: /);
    expect(rollback).toMatchObject({ type: 'rollback', trigger: 'guard', reason: breach.reason });
    for (const w of receiver.received) {
      expect(signedBy(w, WEBHOOK_SECRET)).toBe(true);
      for (const u of users) expect(w.body).not.toContain(u);
    }
  });

  it('a receiver that never answers delays neither the admin API nor traffic through the proxy', async () => {
    await setup(() => 'hang');
    expect((await proxy.admin('POST', '/admin/rollback', { reason: 'drill' })).status).toBe(200);
    await until(() => receiver.hanging() === 1, 10_000, 'the webhook hanging at the receiver');
    // 100 users at once, then 100 more: all served (by legacy: the switch is engaged) while it hangs.
    for (let round = 0; round < 2; round++) {
      const engines = await Promise.all(
        Array.from({ length: 100 }, (_, i) => get(`hang-user-${round}-${i}`)),
      );
      expect(new Set(engines)).toEqual(new Set(['legacy']));
    }
    expect((await proxy.admin('POST', '/admin/resume', {})).status).toBe(200);
    expect(await get('hang-user-after')).toMatch(/^(legacy|user)$/);
    expect(receiver.hanging()).toBe(1);
    expect(receiver.received).toHaveLength(1);
  });
});
