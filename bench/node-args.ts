/**
 * The Node flags of the production start script (`npm start`, the Docker image), which the bench's
 * Switchyard processes run with too; `BENCH_PROXY_NODE_ARGS` (space-separated) replaces them to
 * compare. Why these: docs/decisions.md (issue 20, memory).
 */
export const PROXY_NODE_ARGS = (
  process.env.BENCH_PROXY_NODE_ARGS ?? '--max-semi-space-size=16 --heap-growing-percent=100'
)
  .split(' ')
  .filter(Boolean);
