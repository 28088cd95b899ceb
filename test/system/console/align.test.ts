import { align } from '../../../console/src/align.js';
import type { CanonicalEventView } from '../../../console/src/api-types.js';

const ev = (type: string, fields: Partial<CanonicalEventView> = {}): CanonicalEventView => ({
  type,
  ...fields,
});
const verdicts = (control: CanonicalEventView[], candidate: CanonicalEventView[]) =>
  align(control, candidate).map((r) => `${r.control?.type ?? '-'}|${r.candidate?.type ?? '-'}|${r.verdict}`);

describe("the console's event alignment", () => {
  it('pairs equal streams event by event', () => {
    const run = [ev('agent_started'), ev('tool_executing', { tool: 'q' }), ev('agent_completed')];
    expect(align(run, run).every((r) => r.verdict === 'same')).toBe(true);
  });

  it('marks a paired event whose tool differs, naming the field', () => {
    const rows = align(
      [ev('agent_started'), ev('tool_executing', { tool: 'cost_query' })],
      [ev('agent_started'), ev('tool_executing', { tool: 'cost_forecast' })],
    );
    expect(rows[1]).toMatchObject({ verdict: 'differs', fields: ['tool'] });
  });

  it('leaves a gap for a missing event and keeps the rest aligned', () => {
    expect(
      verdicts(
        [ev('agent_started'), ev('tool_executing'), ev('tool_completed'), ev('agent_completed')],
        [ev('agent_started'), ev('tool_executing'), ev('agent_completed')],
      ),
    ).toEqual([
      'agent_started|agent_started|same',
      'tool_executing|tool_executing|same',
      'tool_completed|-|missing',
      'agent_completed|agent_completed|same',
    ]);
  });

  it('pairs a different terminal event as a substitution, and ignores repeated thinking as the comparator does', () => {
    expect(
      verdicts(
        [ev('agent_started'), ev('agent_thinking'), ev('agent_completed', { status: 'completed' })],
        [
          ev('agent_started'),
          ev('agent_thinking'),
          ev('agent_thinking'),
          ev('agent_error', { status: 'failed' }),
        ],
      ),
    ).toEqual([
      'agent_started|agent_started|same',
      'agent_thinking|agent_thinking|same',
      '-|agent_thinking|repeat',
      'agent_completed|agent_error|differs',
    ]);
  });

  it('never compares ids or arrival times, which differ between engines by design', () => {
    const rows = align(
      [ev('agent_started', { runId: 'a', at: 1 })],
      [ev('agent_started', { runId: 'b', at: 9 })],
    );
    expect(rows[0]!.verdict).toBe('same');
  });
});
