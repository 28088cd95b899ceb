/** The engine's WebSocket address for a client's path and query: http(s) -> ws(s). */
export function upstreamWsUrl(engineBase: string, path: string, query: URLSearchParams): string {
  const base = new URL(engineBase);
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = path;
  const q = query.toString();
  base.search = q === '' ? '' : `?${q}`;
  return base.toString();
}
