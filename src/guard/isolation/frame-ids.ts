/** The ids a frame names, wherever the three envelopes (and client frames) put them. */
export interface FrameIds {
  type: string | null;
  userIds: string[];
  runIds: string[];
  threadIds: string[];
}

const CONTAINERS = ['data', 'payload'] as const;

/** Cheap pre-check on the raw text: only frames that can name an id are parsed. */
export function mayCarryIds(raw: string | Buffer): boolean {
  return (
    raw.includes('user_id') || raw.includes('run_id') || raw.includes('thread_id') || raw.includes('threadId')
  );
}

/** Parses once; returns null for text that is not a JSON object. */
export function frameIds(raw: string | Buffer): FrameIds | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const top = parsed as Record<string, unknown>;
  const ids: FrameIds = {
    type: typeof top.type === 'string' ? top.type : null,
    userIds: [],
    runIds: [],
    threadIds: [],
  };
  collect(top, ids);
  for (const key of CONTAINERS) {
    const inner = top[key];
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner))
      collect(inner as Record<string, unknown>, ids);
  }
  return ids;
}

function collect(node: Record<string, unknown>, ids: FrameIds): void {
  push(ids.userIds, node.user_id);
  push(ids.runIds, node.run_id);
  push(ids.threadIds, node.thread_id);
  push(ids.threadIds, node.threadId);
}

function push(list: string[], value: unknown): void {
  if (typeof value === 'string' && value !== '' && !list.includes(value)) list.push(value);
}
