import type { Divergence, MismatchKind } from '../../../src/compare/index.js';
import type { Engine } from '../../../src/routing/types.js';
import type { AuditEntry, DivergenceRecord, DivergenceSource } from '../../../src/store/types.js';

export interface RecordSpec {
  n: number;
  at: number;
  result?: Divergence['result'];
  kinds?: MismatchKind[];
  route?: string;
  control?: Engine;
  candidate?: Engine;
  source?: DivergenceSource;
  instance?: string;
}

/** A divergence record as the shadow side stores one: ids already hashed, a canonical stream each side. */
export function record(spec: RecordSpec): DivergenceRecord {
  const instance = spec.instance ?? 'i-1';
  const source = spec.source ?? 'cross';
  const event = {
    type: 'agent_started',
    runId: 'h-run',
    threadId: 'h-thread',
    userId: 'h-user',
    status: null,
    tool: null,
    error: null,
  };
  const divergence = {
    id: String(spec.n),
    source,
    at: new Date(spec.at).toISOString(),
    result: spec.result ?? 'mismatch',
    kinds: spec.kinds ?? ['status'],
    ...(spec.route === undefined ? { session: 'h-user.1', runIndex: spec.n } : { route: spec.route }),
    control: { engine: spec.control ?? 'legacy', events: [event], omittedEvents: 0 },
    candidate: { engine: spec.candidate ?? 'user', events: [event], omittedEvents: 0 },
  } as unknown as Divergence;
  return { id: `${instance}:${String(spec.n).padStart(8, '0')}`, at: spec.at, instance, source, divergence };
}

export function auditEntry(at: number, action: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at,
    instance: 'i-1',
    action,
    role: 'admin',
    actor: 'jest',
    address: '127.0.0.1',
    before: { rollout: 0 },
    after: { rollout: 5 },
    reason: null,
    failed: null,
    ...extra,
  };
}
