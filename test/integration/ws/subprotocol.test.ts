import type { TestClient } from '../engines/helpers.js';
import { token } from '../engines/helpers.js';
import { startRig, type Rig } from './rig.js';
import { startScriptedEngine, type ScriptedEngine } from './scripted-engine.js';

let rig: Rig;
let engine: ScriptedEngine | undefined;

afterEach(async () => {
  await rig.stop();
  await engine?.close();
  engine = undefined;
});

const jwtProtocols = async (sub: string) => [
  'jwt-auth',
  `jwt.${Buffer.from(await token(sub)).toString('base64url')}`,
];

async function handshake(client: TestClient): Promise<string> {
  return new Promise((resolve) => {
    client.ws.once('open', () => resolve('open'));
    client.ws.once('error', (err) => resolve(err.message));
  });
}

describe('the subprotocol echo is the proxy own choice', () => {
  it.each(['jwt-auth', 'none', 'exact'] as const)(
    'echoes jwt-auth to a browser that offers it, when the engine echoes %s',
    async (echoSubprotocol) => {
      rig = await startRig({ legacy: { faults: { echoSubprotocol } } });
      const jwt = await token('uma');
      const client = rig.open('/ws', ['jwt-auth', `jwt.${Buffer.from(jwt).toString('base64url')}`]);
      const welcome = await client.waitFor(() => true);
      expect(client.ws.protocol).toBe('jwt-auth');
      expect(welcome.data.user_id).toBe('uma');
      const seen = rig.legacy.handshakes.at(-1)!.headers;
      expect(seen['sec-websocket-protocol']).toBeUndefined();
      expect(seen.authorization).toBe(`Bearer ${jwt}`);
    },
  );

  it('works with an engine that echoes a subprotocol nobody asked it for', async () => {
    engine = await startScriptedEngine({
      echo: 'jwt-auth',
      onConnection: (ws) => ws.send(JSON.stringify({ type: 'system_message', data: { ok: true } })),
    });
    rig = await startRig({ legacyUrl: engine.url });
    const browser = rig.open('/ws', await jwtProtocols('vic'));
    expect((await browser.waitFor(() => true)).data.ok).toBe(true);
    expect(browser.ws.protocol).toBe('jwt-auth');
    const server = rig.open('/ws', [], { authorization: `Bearer ${await token('vic')}` });
    await server.waitFor(() => true);
    expect(server.ws.protocol).toBe('');
  });

  it('echoes another offered protocol only when configured, and jwt-auth before it', async () => {
    rig = await startRig();
    const headers = { authorization: `Bearer ${await token('wes')}` };
    expect(await handshake(rig.open('/ws', ['chat.v2'], headers))).toBe('Server sent no subprotocol');
    await rig.stop();
    rig = await startRig({ config: { websocket: { echoProtocols: ['chat.v2'] } } });
    const plain = rig.open('/ws', ['chat.v2'], headers);
    expect(await handshake(plain)).toBe('open');
    expect(plain.ws.protocol).toBe('chat.v2');
    const both = rig.open('/ws', ['chat.v2', ...(await jwtProtocols('wes'))]);
    expect(await handshake(both)).toBe('open');
    expect(both.ws.protocol).toBe('jwt-auth');
  });

  it('echoes nothing to a ticket client, which offers nothing', async () => {
    rig = await startRig({ legacy: { faults: { echoSubprotocol: 'exact' } } });
    const res = await fetch(`${rig.proxy.url}/api/websocket/ticket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('xena')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ttl_seconds: 60, single_use: true, permissions: [] }),
    });
    const { ticket_id } = (await res.json()) as { ticket_id: string };
    const client = rig.open(`/ws?ticket=${encodeURIComponent(ticket_id)}`);
    const welcome = await client.waitFor(() => true);
    expect(welcome.data.user_id).toBe('xena');
    expect(client.ws.protocol).toBe('');
  });
});
