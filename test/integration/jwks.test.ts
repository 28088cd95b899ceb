import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { TokenVerifier } from '../../src/identity/verifier.js';

let server: Server;
let jwksUrl: string;
let privateKey: CryptoKey;
let fetches = 0;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const sign = (
  claims: { sub?: string; iss?: string; aud?: string; exp?: number },
  alg = 'RS256',
  key: CryptoKey | Uint8Array = privateKey,
) => {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg, kid: 'k1' })
    .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600);
  if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
  if (claims.iss !== undefined) jwt = jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt = jwt.setAudience(claims.aud);
  return jwt.sign(key);
};

describe('token verification with a JWKS URL', () => {
  const verifier = () =>
    new TokenVerifier({
      jwksUrl,
      issuer: 'netra-auth-service',
      audience: 'netra-platform',
      clockSkewSeconds: 5,
      cacheSize: 2,
    });

  it('accepts an RS256 token with the configured issuer and audience', async () => {
    const token = await sign({ sub: 'ann', iss: 'netra-auth-service', aud: 'netra-platform' });
    expect(await verifier().verify(token)).toEqual({ ok: true, userId: 'ann' });
  });

  it('refuses a wrong issuer, a wrong audience, a missing subject, an HS256 token and an expired one', async () => {
    const v = verifier();
    const past = Math.floor(Date.now() / 1000) - 60;
    expect(await v.verify(await sign({ sub: 'a', iss: 'other', aud: 'netra-platform' }))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await v.verify(await sign({ sub: 'a', iss: 'netra-auth-service', aud: 'other' }))).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await v.verify(await sign({ iss: 'netra-auth-service', aud: 'netra-platform' }))).toEqual({
      ok: false,
      reason: 'no_subject',
    });
    const hs = await sign(
      { sub: 'a', iss: 'netra-auth-service', aud: 'netra-platform' },
      'HS256',
      new TextEncoder().encode('x'.repeat(32)),
    );
    expect(await v.verify(hs)).toEqual({ ok: false, reason: 'invalid' });
    expect(
      await v.verify(await sign({ sub: 'a', iss: 'netra-auth-service', aud: 'netra-platform', exp: past })),
    ).toEqual({ ok: false, reason: 'expired' });
  });

  it('does not redo the signature work for a token it has verified, and keeps the cache bounded', async () => {
    const v = verifier();
    const tokens = await Promise.all(
      ['u1', 'u2', 'u3'].map((sub) => sign({ sub, iss: 'netra-auth-service', aud: 'netra-platform' })),
    );
    expect(v.cached(tokens[0]!)).toBeUndefined();
    await v.verify(tokens[0]!);
    expect(v.cached(tokens[0]!)).toBe('u1');
    await v.verify(tokens[1]!);
    await v.verify(tokens[2]!);
    expect(v.size()).toBe(2);
    expect(v.cached(tokens[0]!)).toBeUndefined();
  });

  it('forgets a cached token when it expires', async () => {
    let now = Date.now();
    const v = new TokenVerifier({ jwksUrl, clockSkewSeconds: 0, cacheSize: 10, now: () => now });
    const token = await sign({ sub: 'short', exp: Math.floor(now / 1000) + 2 });
    await v.verify(token);
    expect(v.cached(token)).toBe('short');
    now += 3000;
    expect(v.cached(token)).toBeUndefined();
    expect(fetches).toBeGreaterThan(0);
  });
});
