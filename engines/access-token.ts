import { SignJWT, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';

/** HS256 access tokens with the claims the backend issues (docs/design.md, "Sign-in places"). */

export interface AccessTokenRequest {
  secret: string;
  sub: string;
  ttlSeconds?: number;
  email?: string;
  permissions?: string[];
}

export async function signAccessToken(request: AccessTokenRequest): Promise<string> {
  const ttl = request.ttlSeconds ?? 3600;
  return new SignJWT({
    type: 'access',
    email: request.email ?? `${request.sub}@example.test`,
    permissions: request.permissions ?? ['read', 'write'],
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.sub)
    .setIssuer('netra-auth-service')
    .setAudience('netra-platform')
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(new TextEncoder().encode(request.secret));
}

/** Verifies a token's signature (HS256) and expiry; resolves to its `sub`, or null. */
export type TokenVerifier = (jwt: string) => Promise<string | null>;

export function createTokenVerifier(secret: string): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  return async (jwt) => {
    try {
      const { payload } = await jwtVerify(jwt, key, { algorithms: ['HS256'] });
      return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
    } catch {
      return null;
    }
  };
}

/** The token of an `Authorization: Bearer <jwt>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
