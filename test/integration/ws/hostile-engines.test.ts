import WebSocket from 'ws';
import { token, until } from '../engines/helpers.js';
import { startHostileEngine, WELCOME, type HostileEngine } from './hostile-engine.js';
import { SHAPES, type Ids } from './leak-shapes.js';
import { startRig, type Rig } from './rig.js';

const USERS = 120;
let rig: Rig;
let engine: HostileEngine;

afterEach(async () => {
  await rig.stop();
  await engine.close();
});

/** A client that keeps every message as bytes: leaked frames need not be JSON. */
class RawClient {
  readonly messages: Array<{ data: Buffer; isBinary: boolean }> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => this.messages.push({ data: data as Buffer, isBinary }));
  }
  has(text: string): boolean {
    return this.messages.some((m) => m.data.toString('latin1').includes(text));
  }
}

async function connect(user: string): Promise<RawClient> {
  const ws = new WebSocket(`${rig.wsUrl}/ws`, { headers: { authorization: `Bearer ${await token(user)}` } });
  ws.on('error', () => undefined);
  const client = new RawClient(ws);
  await until(() => client.has('connection_established'), 10_000);
  return client;
}

const idsOf = (user: string): Ids => ({ user, run: `run-${user}`, thread: `thread-${user}` });

async function hostileRig(kind: 'legacy' | 'user', guardMode = 'dry-run') {
  engine = await startHostileEngine();
  const at = kind === 'legacy' ? { legacyUrl: engine.url } : { userUrl: engine.url };
  rig = await startRig({ ...at, config: { guard: { mode: guardMode } } });
  if (kind === 'user') await rig.proxy.admin('PUT', '/admin/rollout', { percent: 100 });
}

/** Each user starts a run on its own thread; the engine confirms it with the user's own agent_started. */
async function signedInWithRuns(users: string[]): Promise<RawClient[]> {
  const clients: RawClient[] = [];
  for (let from = 0; from < users.length; from += 40)
    clients.push(...(await Promise.all(users.slice(from, from + 40).map(connect))));
  clients.forEach((c, i) =>
    c.ws.send(
      JSON.stringify({ type: 'user_message', payload: { text: 'go', thread_id: `thread-${users[i]}` } }),
    ),
  );
  await until(() => clients.every((c) => c.has('agent_started')), 15_000);
  return clients;
}

function sendShape(socket: WebSocket, frame: string | Buffer, binary: boolean, fragmented: boolean): void {
  if (!fragmented) return socket.send(frame, { binary });
  const bytes = Buffer.from(frame);
  const half = Math.floor(bytes.length / 2);
  socket.send(bytes.subarray(0, half), { binary, fin: false });
  socket.send(bytes.subarray(half), { binary, fin: true });
}

describe.each(['legacy', 'user'] as const)('a hostile %s engine leaking to 120 users', (kind) => {
  it('delivers none of the leaked frames, counts every one against the engine, and delivers every clean one', async () => {
    await hostileRig(kind);
    const users = Array.from({ length: USERS }, (_, i) => `hu-${kind}-${String(i).padStart(3, '0')}`);
    const clients = await signedInWithRuns(users);
    users.forEach((user, i) => {
      const socket = engine.byUser.get(user)!;
      const victim = idsOf(users[(i + 1) % USERS]!);
      for (const shape of SHAPES) {
        const fragmented = shape.name === 'fragmented';
        sendShape(socket, shape.frame(victim), shape.binary === true, fragmented);
        sendShape(socket, shape.frame(idsOf(user)), shape.binary === true, fragmented);
      }
      socket.send(JSON.stringify({ type: 'done' }));
    });
    await until(() => clients.every((c) => c.has('"done"')), 20_000);

    let foreign = 0;
    let clean = 0;
    clients.forEach((c, i) => {
      for (const m of c.messages) {
        const text = m.data.toString('latin1');
        if (users.some((u, j) => j !== i && text.includes(u))) foreign++;
        else if (text !== WELCOME && text !== '{"type":"done"}') clean++;
      }
    });
    expect(foreign).toBe(0);
    expect(clean).toBe(USERS * SHAPES.length + USERS); // each own shape, plus the run's agent_started
    const counted = await rig.metric('switchyard_isolation_violations_total', {
      engine: kind,
      action: 'block',
    });
    expect(counted).toBe(USERS * SHAPES.length);
    const other = kind === 'legacy' ? 'user' : 'legacy';
    expect(
      await rig.metric('switchyard_isolation_violations_total', { engine: other, action: 'block' }),
    ).toBe(0);
  }, 60_000);
});
