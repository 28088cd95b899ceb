import WebSocket, { type ClientOptions } from 'ws';
import {
  createTicketStore,
  DEMO_JWT_SECRET,
  signAccessToken,
  startEngine,
  type EngineFaults,
  type EngineKind,
  type EngineOptions,
  type RunningEngine,
} from '../../../engines/index.js';

/** A JSON frame as received; tests read it freely. */
export type Frame = any;

export const SECRET = DEMO_JWT_SECRET;
export const RUN_EVENTS = new Set([
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
  'agent_error',
]);
export const isTerminal = (f: Frame): boolean => f.type === 'agent_completed' || f.type === 'agent_error';

export function token(sub: string, secret: string = SECRET): Promise<string> {
  return signAccessToken({ secret, sub });
}

/** A real `ws` client that keeps every frame it receives. */
export class TestClient {
  readonly frames: Frame[] = [];
  readonly binary: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      if (isBinary) this.binary.push(bytes);
      else this.frames.push(JSON.parse(bytes.toString('utf8')));
      for (const listener of this.listeners) listener();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame at or after `from` that matches, now or when it arrives. */
  waitFor(predicate: (f: Frame) => boolean, { from = 0, timeoutMs = 10_000 } = {}): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.frames.slice(from).find(predicate);
        if (found === undefined) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `no matching frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  /** Sends a user_message and resolves with that run's events, once its terminal event is in. */
  async run(payload: Record<string, unknown>, type = 'user_message'): Promise<Frame[]> {
    const from = this.frames.length;
    this.send({ type, payload });
    await this.waitFor(isTerminal, { from, timeoutMs: 15_000 });
    return this.frames.slice(from).filter((f) => RUN_EVENTS.has(f.type));
  }
}

export interface Connect {
  path?: string;
  protocols?: string[];
  headers?: Record<string, string>;
  /** Resolve once the welcome frame (or an error frame) is in, not just on open. */
  awaitFirstFrame?: boolean;
}

/** Starts engines and clients, and closes them all after each test; each test gets a fresh ticket store. */
export class Harness {
  tickets = createTicketStore();
  private readonly engines: RunningEngine[] = [];
  private readonly sockets: WebSocket[] = [];

  async engine(
    kind: EngineKind,
    faults: EngineFaults = {},
    extra: Partial<EngineOptions> = {},
  ): Promise<RunningEngine> {
    const engine = await startEngine({ kind, jwtSecret: SECRET, tickets: this.tickets, faults, ...extra });
    this.engines.push(engine);
    return engine;
  }

  /** Opens a socket; resolves with the client once the first frame (the welcome or an error) is in. */
  async connect(engine: RunningEngine, options: Connect = {}): Promise<TestClient> {
    const client = this.open(engine, options);
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', resolve);
      client.ws.once('error', reject);
    });
    if (options.awaitFirstFrame !== false) await client.waitFor(() => true);
    return client;
  }

  /** Opens a socket without waiting: for handshakes expected to fail. */
  open(engine: RunningEngine, { path = '/ws', protocols = [], headers = {} }: Connect = {}): TestClient {
    const options: ClientOptions = { headers };
    const ws = new WebSocket(`${engine.url.replace('http', 'ws')}${path}`, protocols, options);
    ws.on('error', () => undefined);
    this.sockets.push(ws);
    return new TestClient(ws);
  }

  async connectAs(engine: RunningEngine, userId: string): Promise<TestClient> {
    return this.connect(engine, { headers: { authorization: `Bearer ${await token(userId)}` } });
  }

  async close(): Promise<void> {
    for (const ws of this.sockets.splice(0)) ws.terminate();
    await Promise.all(this.engines.splice(0).map((engine) => engine.close()));
    this.tickets = createTicketStore();
  }
}

export async function http(
  engine: RunningEngine,
  method: string,
  path: string,
  { jwt, body, headers = {} }: { jwt?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Frame }> {
  const response = await fetch(`${engine.url}${path}`, {
    method,
    headers: {
      ...(jwt === undefined ? {} : { authorization: `Bearer ${jwt}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** Polls a condition the test cannot be told about (server-side socket state), a few ms at a time. */
/**
 * Polls until `condition` holds. The deadline only bounds a failure: a passing test never waits
 * for it, so it is generous enough for a two-core machine that is busy with other work.
 */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}
