import path from 'node:path';

/**
 * The folders of src/, lowest first. A module may import its own folder and the folders below
 * it, never one above: the import graph points one way, so no folder cycle can form.
 */
export const LAYERS = [
  'errors',
  'log',
  'routing',
  'compare',
  'config',
  'metrics',
  'tracing',
  'identity',
  'store',
  'guard/gates',
  'isolation',
  'flags',
  'switchboard',
  'guard',
  'notify',
  'plan',
  'proxy',
  'ws',
  'shadow',
  'admin',
  'cli',
  '.',
];

const SRC = path.resolve(import.meta.dirname, '../../src');

/** The layer a file of src/ belongs to: the longest listed folder that contains it. */
function layerOf(file) {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) return -1;
  const dir = path.dirname(rel).split(path.sep).join('/');
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((layer, index) => {
    const inside = layer === '.' ? true : dir === layer || dir.startsWith(`${layer}/`);
    if (inside && layer.length > bestLength) {
      best = index;
      bestLength = layer === '.' ? 0 : layer.length;
    }
  });
  return best;
}

/** `layers/one-way`: an import into a higher folder of src/ is an error. */
export const oneWay = {
  meta: {
    type: 'problem',
    messages: {
      upward:
        '{{from}}/ may not import {{to}}/ (src/ folders import downward only; see scripts/eslint/layers.mjs)',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const own = layerOf(file);
    if (own === -1) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = layerOf(path.resolve(path.dirname(file), spec));
      if (target > own) {
        context.report({ node, messageId: 'upward', data: { from: LAYERS[own], to: LAYERS[target] } });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'one-way': oneWay } };
