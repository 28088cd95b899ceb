import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/heap-summary.js <a.heapsnapshot> [b.heapsnapshot]`: self sizes summed by
 * constructor name (objects) or node type (strings, code, arrays...), largest first; with two
 * snapshots, the growth from the first to the second. Memory investigations only (issue 20).
 */
interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function totals(file: string): Map<string, { bytes: number; count: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!] ?? '?';
    const name = snap.strings[snap.nodes[i + nameAt]!] ?? '?';
    const key = type === 'object' || type === 'closure' ? `${type}:${name}` : `(${type})`;
    const entry = out.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snap.nodes[i + sizeAt]!;
    entry.count += 1;
    out.set(key, entry);
  }
  return out;
}

const [first, second] = process.argv.slice(2);
if (first === undefined) throw new Error('usage: heap-summary <a.heapsnapshot> [b.heapsnapshot]');
const a = totals(first);
const b = second === undefined ? null : totals(second);
const sum = (m: Map<string, { bytes: number }>) => [...m.values()].reduce((s, e) => s + e.bytes, 0);
const mib = (n: number) => (n / 1048576).toFixed(2);
const rows = [...(b ?? a).entries()].map(([key, e]) => {
  const before = b === null ? { bytes: 0, count: 0 } : (a.get(key) ?? { bytes: 0, count: 0 });
  return {
    key,
    bytes: e.bytes,
    count: e.count,
    grew: e.bytes - before.bytes,
    grewCount: e.count - before.count,
  };
});
rows.sort((x, y) => (b === null ? y.bytes - x.bytes : y.grew - x.grew));
console.log(`total ${mib(sum(a))} MiB${b === null ? '' : ` -> ${mib(sum(b))} MiB`}`);
for (const r of rows.slice(0, 30))
  console.log(
    `${mib(r.bytes).padStart(8)} MiB ${String(r.count).padStart(8)}${b === null ? '' : `  ${mib(r.grew).padStart(7)} MiB ${String(r.grewCount).padStart(7)}`}  ${r.key}`,
  );
