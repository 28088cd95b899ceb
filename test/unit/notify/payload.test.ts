import { MAX_REASON_CHARS } from '../../../src/notify/event-text.js';
import { NOTIFY_EVENT_TYPES, type NotifyEvent } from '../../../src/notify/events.js';
import { webhookBody } from '../../../src/notify/payload.js';

const AT = new Date('2026-12-07T12:00:00.000Z');
const body = (event: NotifyEvent) => JSON.parse(webhookBody(event, AT, 'replica-a'));

const EXAMPLES: Record<(typeof NOTIFY_EVENT_TYPES)[number], NotifyEvent> = {
  'step-advanced': { type: 'step-advanced', step: 2, fromPercent: 5, toPercent: 25 },
  'approval-needed': { type: 'approval-needed', step: 3, percent: 50 },
  'guard-breach': { type: 'guard-breach', gate: 'error_rate', reason: 'error_rate: user 9% vs legacy 0%' },
  rollback: {
    type: 'rollback',
    trigger: 'manual',
    reason: 'bad deploy',
    engagedAt: '2026-12-07T11:59:59.000Z',
  },
  resume: { type: 'resume' },
  'plan-complete': { type: 'plan-complete', percent: 100 },
  'plan-rolled-back': { type: 'plan-rolled-back', step: 2, percent: 25, reason: 'latency: p95 3x' },
};

describe('webhook body', () => {
  it('is {type, at, instance, text, ...details} for every event type, with a one-line text', () => {
    for (const event of Object.values(EXAMPLES)) {
      const b = body(event);
      const { type, ...details } = event;
      expect(Object.keys(b).slice(0, 4)).toEqual(['type', 'at', 'instance', 'text']);
      expect(b).toEqual({
        type,
        at: '2026-12-07T12:00:00.000Z',
        instance: 'replica-a',
        text: b.text,
        ...details,
      });
      expect(b.text).toMatch(/^Switchyard \(replica-a\): \S/);
      expect(b.text).not.toContain('\n');
    }
  });

  it('says what happened in the text', () => {
    expect(body(EXAMPLES['step-advanced']).text).toContain('step 2: 5% → 25%');
    expect(body(EXAMPLES['approval-needed']).text).toContain('waits for approval at step 3 (50%)');
    expect(body(EXAMPLES.rollback).text).toBe(
      'Switchyard (replica-a): rollback engaged (manual): bad deploy. Every user now goes to legacy.',
    );
    expect(body({ ...EXAMPLES.rollback, reason: null } as NotifyEvent).text).toBe(
      'Switchyard (replica-a): rollback engaged (manual). Every user now goes to legacy.',
    );
    expect(body(EXAMPLES['guard-breach']).text).toContain('guard breach (error_rate): error_rate: user 9%');
  });

  it("escapes Slack's control characters in the text, not in the details", () => {
    const b = body({ type: 'rollback', trigger: 'manual', reason: 'a <b> & c', engagedAt: null });
    expect(b.text).toContain('a &lt;b&gt; &amp; c');
    expect(b.reason).toBe('a <b> & c');
  });

  it('clips a long or multi-line reason to one line of at most MAX_REASON_CHARS', () => {
    const b = body({
      type: 'rollback',
      trigger: 'manual',
      reason: `line one\nline two ${'x'.repeat(2000)}`,
      engagedAt: null,
    });
    expect(b.reason.length).toBe(MAX_REASON_CHARS);
    expect(b.reason.startsWith('line one line two')).toBe(true);
    expect(b.text).not.toContain('\n');
    expect(b.text.length).toBeLessThan(MAX_REASON_CHARS + 120);
  });
});
