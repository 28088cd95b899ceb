import { WebSocket, type RawData } from 'ws';
import type { EngineKind } from '../types.js';
import type { FrameSink, Run } from '../runs/run.js';
import type { RunOwner, Runner } from '../runs/runner.js';
import { parseClientFrame, runRequestFrom, type ClientFrame } from './client-frames.js';
import {
  ackFrame,
  errorFrame,
  heartbeatFrame,
  pongFrame,
  systemFrame,
  welcomeFrame,
} from './system-frames.js';

export interface SessionDeps {
  kind: EngineKind;
  runner: Runner;
  serverId: string;
  /** Client silence before a heartbeat frame; 0 disables. */
  heartbeatMs: number;
  connectionId: string;
}

/**
 * One signed-in socket: answers client frames (docs/design.md, "Client frames") and owns the runs it started.
 * `dispose` (on close, error or engine shutdown) cancels those runs and the heartbeat timer.
 */
export class Session implements RunOwner, FrameSink {
  readonly runs = new Set<Run>();
  readonly sink: FrameSink = this;
  private heartbeat: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly socket: WebSocket,
    readonly userId: string,
    private readonly deps: SessionDeps,
    private readonly onDisposed: (session: Session) => void,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.dispose());
    socket.on('error', () => this.dispose());
    this.send(welcomeFrame(userId, deps.kind, deps.connectionId, deps.serverId));
    if (deps.heartbeatMs > 0) {
      this.heartbeat = setTimeout(() => {
        this.send(heartbeatFrame(deps.serverId));
        this.heartbeat?.refresh();
      }, deps.heartbeatMs);
    }
  }

  send(frame: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.heartbeat);
    for (const run of [...this.runs]) run.cancel();
    this.onDisposed(this);
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.heartbeat?.refresh();
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    if (isBinary) {
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(bytes, { binary: true });
      return;
    }
    const frame = parseClientFrame(bytes.toString('utf8'));
    if (frame === null) {
      this.send(
        errorFrame('INVALID_MESSAGE', 'Frames must be JSON objects with a string type', this.deps.serverId),
      );
      return;
    }
    this.dispatch(frame);
  }

  private dispatch(frame: ClientFrame): void {
    switch (frame.type) {
      case 'user_message':
      case 'start_agent': {
        const started = this.deps.runner.start(this, runRequestFrom(frame));
        if (!started.ok) this.send(errorFrame(started.code, started.message, this.deps.serverId));
        return;
      }
      case 'ping':
        return this.send(pongFrame(this.deps.serverId, frame.frame['timestamp']));
      case 'stop_agent':
        return this.stopRuns();
      case 'close_me':
        return this.closeAsAsked(frame.payload);
      default:
        return this.send(ackFrame(frame.receivedType));
    }
  }

  private stopRuns(): void {
    const stopped = [...this.runs];
    for (const run of stopped) run.cancel();
    this.send(
      systemFrame('system_message', { event: 'agent_stopped', stopped: stopped.length }, this.deps.serverId),
    );
  }

  /** Test hook: `{"type":"close_me","payload":{"code":4000,"reason":"bye"}}`. */
  private closeAsAsked(payload: Record<string, unknown>): void {
    const code = typeof payload['code'] === 'number' ? payload['code'] : 1000;
    const reason = typeof payload['reason'] === 'string' ? payload['reason'] : '';
    try {
      this.socket.close(code, reason);
    } catch (error) {
      this.send(errorFrame('INVALID_CLOSE', (error as Error).message, this.deps.serverId));
    }
  }
}
