import type { TicketStore } from '../types.js';
import { isoUtc, newId, shortHex } from '../stamps.js';
import { stringField } from './body.js';
import type { JsonObject, Reply } from './respond.js';
import type { ThreadStore } from './threads.js';

export interface RouteCall {
  userId: string;
  jwt: string;
  body: JsonObject;
  params: Record<string, string>;
  /** Host header of the request, for the ticket's `websocket_url`. */
  host: string;
}

export interface Route {
  method: string;
  /** Segments; one starting with `:` captures a parameter. */
  path: string;
  auth: boolean;
  handle(call: RouteCall): Reply;
}

export interface RouteDeps {
  tickets: TicketStore;
  threads: ThreadStore;
}

const DEFAULT_TICKET_TTL = 300;
const MIN_TICKET_TTL = 30;
const MAX_TICKET_TTL = 3600;

/** The backend's HTTP routes (docs/design.md, "HTTP routes"), answered with fixed content plus fresh volatile fields. */
export function createRoutes({ tickets, threads }: RouteDeps): Route[] {
  const runId = (threadId: string): string => `run_${threadId}_${Date.now()}_${shortHex()}`;
  return [
    {
      method: 'GET',
      path: '/health',
      auth: false,
      handle: () => ({ status: 200, body: { status: 'healthy' } }),
    },
    {
      method: 'POST',
      path: '/api/agent/v2/execute',
      auth: true,
      handle: ({ userId, body }) => {
        const threadId = stringField(body, 'thread_id') ?? newId('thread');
        return {
          status: 200,
          body: {
            run_id: runId(threadId),
            status: 'started',
            user_id: userId,
            thread_id: threadId,
            session_scoped: true,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/agent/run_agent',
      auth: true,
      handle: ({ userId, body }) => ({
        status: 200,
        body: {
          run_id: runId(stringField(body, 'id') ?? newId('thread')),
          status: 'started',
          user_id: userId,
          request_scoped: true,
        },
      }),
    },
    {
      method: 'POST',
      path: '/api/agent/message',
      auth: true,
      handle: ({ userId, body }) => {
        const threadId = stringField(body, 'thread_id') ?? newId('thread');
        const message = stringField(body, 'message') ?? '';
        return {
          status: 200,
          body: {
            run_id: runId(threadId),
            thread_id: threadId,
            user_id: userId,
            status: 'completed',
            response: `Analysis of "${message}": 3 cost drivers found.`,
            created_at: isoUtc(),
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/agents/execute',
      auth: true,
      handle: ({ userId, body }) => {
        const agent = stringField(body, 'type') ?? 'triage';
        const message = stringField(body, 'message') ?? '';
        return {
          status: 200,
          body: {
            status: 'success',
            agent,
            user_id: userId,
            response: `${agent} agent processed: ${message}`,
            execution_time: Math.round(Math.random() * 50_000) / 1000,
            circuit_breaker_state: 'CLOSED',
            error: null,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/threads',
      auth: true,
      handle: ({ userId, body }) => {
        const metadata = body['metadata'];
        const thread = {
          id: newId('thread'),
          ownerId: userId,
          title: stringField(body, 'title') ?? null,
          metadata: typeof metadata === 'object' && metadata !== null ? (metadata as JsonObject) : {},
          createdAt: isoUtc(),
        };
        threads.add(thread);
        return { status: 200, body: threadBody(thread, userId) };
      },
    },
    {
      method: 'GET',
      path: '/api/threads/:id',
      auth: true,
      handle: ({ userId, params }) => {
        const thread = threads.find(params['id'] ?? '', userId);
        if (thread === undefined)
          return { status: 404, body: { detail: 'Thread not found', error_code: 'NOT_FOUND' } };
        return { status: 200, body: threadBody(thread, userId) };
      },
    },
    {
      method: 'POST',
      path: '/api/websocket/ticket',
      auth: true,
      handle: ({ userId, jwt, body, host }) => {
        const requested = body['ttl_seconds'];
        const ttl =
          typeof requested === 'number' && Number.isFinite(requested)
            ? Math.min(MAX_TICKET_TTL, Math.max(MIN_TICKET_TTL, Math.floor(requested)))
            : DEFAULT_TICKET_TTL;
        const grant = tickets.issue(userId, jwt, ttl);
        return {
          status: 200,
          body: {
            ...grant,
            ttl_seconds: ttl,
            single_use: true,
            user_id: userId,
            websocket_url: `ws://${host}/ws?ticket=${encodeURIComponent(grant.ticket_id)}`,
          },
        };
      },
    },
  ];
}

function threadBody(
  thread: { id: string; title: string | null; metadata: JsonObject; createdAt: string },
  userId: string,
) {
  return {
    id: thread.id,
    object: 'thread',
    title: thread.title,
    metadata: thread.metadata,
    user_id: userId,
    created_at: thread.createdAt,
  };
}

export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | null {
  const actual = pathname.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const expected = route.path.split('/');
    if (expected.length !== actual.length) continue;
    const params: Record<string, string> = {};
    const matches = expected.every((segment, i) => {
      const value = actual[i] ?? '';
      if (!segment.startsWith(':')) return segment === value;
      const decoded = safeDecode(value);
      if (decoded === null || decoded === '') return false;
      params[segment.slice(1)] = decoded;
      return true;
    });
    if (matches) return { route, params };
  }
  return null;
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
