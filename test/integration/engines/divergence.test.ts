import type { DivergenceKind, EngineKind } from '../../../engines/index.js';
import { pickDivergence } from '../../../engines/runs/divergence.js';
import { Harness, type Frame } from './helpers.js';

const types = (run: Frame[]) => run.map((f) => f.type);
const toolOf = (f: Frame) => f.payload?.tool_name ?? f.data?.tool;
const statusOf = (f: Frame) => f.payload?.status ?? f.data?.status;

const visible: Record<
  Exclude<DivergenceKind, 'slow_first_event'>,
  (run: Frame[], kind: EngineKind) => void
> = {
  tool: (run) => {
    const tools = run.filter((f) => f.type.startsWith('tool_')).map(toolOf);
    expect(tools).toEqual(['cost_forecast', 'cost_forecast']);
  },
  failure: (run, kind) => {
    const last = run.at(-1);
    if (kind === 'legacy') {
      expect(last.type).toBe('agent_error');
      expect(statusOf(last)).toBe('error');
    } else {
      expect(last.type).toBe('agent_completed');
      expect(statusOf(last)).toBe('failed');
    }
  },
  missing_event: (run) => {
    expect(types(run)).toContain('tool_executing');
    expect(types(run)).not.toContain('tool_completed');
    expect(run.at(-1).type).toBe('agent_completed');
  },
  extra_thinking: (run, kind) => {
    const thinking = run.filter((f) => f.type === 'agent_thinking').length;
    if (kind === 'legacy') expect(thinking).toBe(3);
    else expect([4, 5]).toContain(thinking);
    expect(types(run).filter((t) => t !== 'agent_thinking')).toEqual([
      'agent_started',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
  },
};
const kinds = Object.keys(visible) as Array<keyof typeof visible>;

describe.each<EngineKind>(['legacy', 'user'])('divergences on the %s engine', (kind) => {
  const harness = new Harness();
  afterEach(() => harness.close());

  it.each(kinds)('shows the %s divergence in the stream when the engine is set to it', async (divergence) => {
    const client = await harness.connectAs(
      await harness.engine(kind, { divergence: { kind: divergence }, stepDelayMs: 2 }),
      'alice',
    );
    visible[divergence](await client.run({ text: 'Analyze my AI costs' }), kind);
  });

  it.each(kinds)('shows the %s divergence for a prompt marked #diverge:<kind> only', async (divergence) => {
    const client = await harness.connectAs(await harness.engine(kind, { stepDelayMs: 2 }), 'alice');
    visible[divergence](await client.run({ text: `costs #diverge:${divergence}` }), kind);
    const plain = await client.run({ text: 'costs' });
    expect(plain.map(toolOf).filter(Boolean)).toEqual(['cost_query', 'cost_query']);
    expect(statusOf(plain.at(-1))).toBe('completed');
  });

  it('holds the first event back 1.5 s on slow_first_event, then keeps the usual pace', async () => {
    const client = await harness.connectAs(await harness.engine(kind), 'alice');
    const from = client.frames.length;
    const sent = Date.now();
    client.send({ type: 'user_message', payload: { text: 'costs #diverge:slow_first_event' } });
    await client.waitFor((f) => f.type === 'agent_started', { from });
    const firstAfter = Date.now() - sent;
    await client.waitFor((f) => f.type === 'agent_completed', { from });
    expect(firstAfter).toBeGreaterThanOrEqual(1450);
    expect(Date.now() - sent - firstAfter).toBeLessThan(1400); // the rest, not held 1.5 s each
  });

  it('leaves runs alone when the divergence fraction is 0, and is switched off at runtime', async () => {
    const engine = await harness.engine(kind, { divergence: { kind: 'tool', fraction: 0 }, stepDelayMs: 2 });
    const client = await harness.connectAs(engine, 'alice');
    expect((await client.run({ text: 'a' })).map(toolOf).filter(Boolean)).toEqual([
      'cost_query',
      'cost_query',
    ]);
    engine.faults.divergence = { kind: 'tool' };
    expect((await client.run({ text: 'b' })).map(toolOf).filter(Boolean)).toEqual([
      'cost_forecast',
      'cost_forecast',
    ]);
    engine.faults.divergence = null;
    expect((await client.run({ text: 'c' })).map(toolOf).filter(Boolean)).toEqual([
      'cost_query',
      'cost_query',
    ]);
  });
});

describe('pickDivergence', () => {
  it('prefers a prompt marker to the configured divergence', () => {
    expect(pickDivergence('x #diverge:failure', { kind: 'tool' })).toBe('failure');
  });

  it('ignores a marker naming no known divergence', () => {
    expect(pickDivergence('x #diverge:bogus', null)).toBeNull();
  });

  it('applies the configured divergence to the given fraction of runs', () => {
    expect(pickDivergence('x', { kind: 'tool', fraction: 0.3 }, () => 0.29)).toBe('tool');
    expect(pickDivergence('x', { kind: 'tool', fraction: 0.3 }, () => 0.3)).toBeNull();
  });
});
