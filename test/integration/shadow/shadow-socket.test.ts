import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ShadowSocket,
  type ShadowSocketLimits,
  type SocketFailure,
} from '../../../src/shadow/shadow-socket.js';
import { until } from '../engines/helpers.js';
import { startHangingServer, type FailingEngine } from './failing-shadow.js';

const LIMITS: ShadowSocketLimits = {
  connectTimeoutMs: 1000,
  maxPayloadBytes: 1024 * 1024,
  bufferFrames: 10,
  bufferBytes: 64 * 1024,
  maxFramesPerSecond: 100,
};

let wss: WebSocketServer;
let received: string[];
let serverSide: WebSocket[];
let hanging: FailingEngine | null = null;

beforeEach(async () => {
  received = [];
  serverSide = [];
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (ws, req) => {
    serverSide.push(ws);
    received.push(`headers:${String(req.headers['x-switchyard-shadow'])}`);
    ws.on('message', (data) => received.push((data as Buffer).toString('utf8')));
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
});

afterEach(async () => {
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await hanging?.close();
  hanging = null;
});

function open(
  limits: Partial<ShadowSocketLimits> = {},
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`,
) {
  const events = {
    frames: [] as string[],
    failed: [] as Array<[SocketFailure, boolean]>,
    closed: [] as number[],
  };
  const socket = new ShadowSocket(
    url,
    { 'x-switchyard-shadow': '1' },
    { ...LIMITS, ...limits },
    {
      onFrame: (data) => events.frames.push(String(data)),
      onFailed: (reason, opened) => events.failed.push([reason, opened]),
      onClosed: (code) => events.closed.push(code),
    },
  );
  return { socket, events };
}

describe('ShadowSocket', () => {
  it('holds frames sent while it connects and sends them in order once open', async () => {
    const { socket } = open();
    expect(socket.send(Buffer.from('one'), false)).toBe(true);
    expect(socket.send(Buffer.from('two'), false)).toBe(true);
    await until(() => socket.isOpen);
    socket.send(Buffer.from('three'), false);
    await until(() => received.length === 4);
    expect(received).toEqual(['headers:1', 'one', 'two', 'three']);
    socket.close();
  });

  it('gives up with buffer_full past the frame or byte cap while connecting, once', () => {
    const byFrames = open({ bufferFrames: 2 });
    byFrames.socket.send(Buffer.from('a'), false);
    byFrames.socket.send(Buffer.from('b'), false);
    expect(byFrames.socket.send(Buffer.from('c'), false)).toBe(false);
    expect(byFrames.socket.send(Buffer.from('d'), false)).toBe(false);
    expect(byFrames.events.failed).toEqual([['buffer_full', false]]);
    const byBytes = open({ bufferBytes: 5 });
    expect(byBytes.socket.send(Buffer.from('123456'), false)).toBe(false);
    expect(byBytes.events.failed).toEqual([['buffer_full', false]]);
  });

  it('gives up with timeout when the handshake is not answered by the deadline', async () => {
    hanging = await startHangingServer();
    const { socket, events } = open({ connectTimeoutMs: 100 }, hanging.url.replace('http', 'ws'));
    const startedAt = Date.now();
    socket.checkDeadline(startedAt + 50);
    expect(events.failed).toEqual([]);
    socket.checkDeadline(startedAt + 100);
    expect(events.failed).toEqual([['timeout', false]]);
    socket.checkDeadline(startedAt + 200);
    expect(events.failed).toHaveLength(1);
  });

  it('gives up with flood when the engine sends more frames in a second than the cap', async () => {
    const { socket, events } = open({ maxFramesPerSecond: 5 });
    await until(() => serverSide.length === 1);
    for (let i = 0; i < 20; i++) serverSide[0]!.send(`f${i}`);
    await until(() => events.failed.length === 1);
    expect(events.failed).toEqual([['flood', true]]);
    expect(events.frames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(socket.isOpen).toBe(false);
    await until(() => serverSide[0]!.readyState === serverSide[0]!.CLOSED);
  });

  it('reports the engine closing an open socket, and reports nothing when we close it', async () => {
    const first = open();
    await until(() => serverSide.length === 1);
    serverSide[0]!.close(4001, 'engine bye');
    await until(() => first.events.closed.length === 1);
    expect(first.events.closed).toEqual([4001]);
    const second = open();
    await until(() => second.socket.isOpen);
    second.socket.close();
    await until(() => serverSide[1]?.readyState === serverSide[1]?.CLOSED);
    expect(second.events).toEqual({ frames: [], failed: [], closed: [] });
  });

  it('gives up with connect_failed when the engine refuses', async () => {
    const { events } = open({}, 'ws://127.0.0.1:1/ws');
    await until(() => events.failed.length === 1);
    expect(events.failed).toEqual([['connect_failed', false]]);
  });
});
