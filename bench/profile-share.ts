import { readFileSync } from 'node:fs';

/** The parts of a `--cpu-prof` profile read here. */
interface Profile {
  nodes: Array<{ id: number; callFrame: { url: string; functionName: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  /** Sampled CPU, idle excluded, in ms. */
  busyMs: number;
  /** Of it, samples whose stack passes through a matching script, in ms. */
  matchedMs: number;
  /** matchedMs / busyMs. */
  share: number;
}

/**
 * The share of a process's sampled CPU spent under the scripts `matches` picks (anywhere in the
 * stack, so a driver's socket callbacks count): what a part costs, apart from the machine's
 * noise that swings paired throughput or CPU-per-request figures by ±10-25% here.
 */
export function profileShare(file: string, matches: (url: string) => boolean): Share {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  let busy = 0;
  let matched = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    busy += dt;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (matches(byId.get(at)?.callFrame.url ?? '')) {
        matched += dt;
        return;
      }
    }
  });
  const ms = (us: number) => Math.round(us / 100) / 10;
  return { busyMs: ms(busy), matchedMs: ms(matched), share: busy === 0 ? 0 : matched / busy };
}
