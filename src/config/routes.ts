/** Where a route carries a user id that must match the token's. */
export type UserIdPlace = 'none' | 'query' | 'body' | 'query+body';

export interface RouteSpec {
  readonly name: string;
  readonly method: string;
  /** An exact path, or a prefix ending in `*`. */
  readonly path: string;
  readonly shadowSafe: boolean;
  readonly userIdIn: UserIdPlace;
}

/** The backend's routes (docs/design.md, "HTTP routes"). */
export const DEFAULT_ROUTES: readonly RouteSpec[] = [
  {
    name: 'agent_v2_execute',
    method: 'POST',
    path: '/api/agent/v2/execute',
    shadowSafe: false,
    userIdIn: 'query+body',
  },
  {
    name: 'agent_run',
    method: 'POST',
    path: '/api/agent/run_agent',
    shadowSafe: false,
    userIdIn: 'query+body',
  },
  {
    name: 'agent_message',
    method: 'POST',
    path: '/api/agent/message',
    shadowSafe: false,
    userIdIn: 'query+body',
  },
  {
    name: 'agents_execute',
    method: 'POST',
    path: '/api/agents/execute',
    shadowSafe: false,
    userIdIn: 'query',
  },
  { name: 'threads_create', method: 'POST', path: '/api/threads', shadowSafe: false, userIdIn: 'query' },
  { name: 'threads_read', method: 'GET', path: '/api/threads/*', shadowSafe: true, userIdIn: 'query' },
  { name: 'ws_ticket', method: 'POST', path: '/api/websocket/ticket', shadowSafe: false, userIdIn: 'query' },
  { name: 'health', method: 'GET', path: '/health', shadowSafe: true, userIdIn: 'query' },
];
