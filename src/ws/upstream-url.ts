/**
 * The engine's WebSocket address for a client's path and query: http(s) -> ws(s), the engine
 * URL's base path kept as for HTTP (`http://host/legacy` + `/ws` -> `ws://host/legacy/ws`).
 */
export function upstreamWsUrl(engineBase: string, path: string, query: URLSearchParams): string {
  const base = new URL(engineBase);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = base.pathname.replace(/\/$/, '') + path;
  const q = query.toString();
  base.search = q === '' ? '' : `?${q}`;
  return base.toString();
}
