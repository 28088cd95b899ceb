import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface VerifierOptions {
  secret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  clockSkewSeconds: number;
  cacheSize: number;
  now?: () => number;
}

export type Verified = { ok: true; userId: string } | { ok: false; reason: TokenFailure };
export type TokenFailure = 'expired' | 'invalid' | 'no_subject';

interface CacheEntry {
  userId: string;
  expiresAtMs: number;
}

/**
 * Verifies access tokens and remembers the good ones until they expire, so that a user's
 * next request costs a map lookup, not a signature check. The cache is bounded: when full,
 * the oldest entry goes (Map keeps insertion order).
 */
export class TokenVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly now: () => number;

  constructor(private readonly options: VerifierOptions) {
    this.now = options.now ?? Date.now;
    if (options.jwksUrl !== undefined) {
      this.key = createRemoteJWKSet(new URL(options.jwksUrl));
      this.algorithms = ['RS256', 'ES256'];
    } else if (options.secret !== undefined) {
      this.key = new TextEncoder().encode(options.secret);
      this.algorithms = ['HS256'];
    } else {
      throw new Error('TokenVerifier needs a secret or a JWKS URL');
    }
  }

  /** Synchronous fast path: the user id of a token verified before and not yet expired. */
  cached(token: string): string | undefined {
    const entry = this.cache.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.cache.delete(token);
      return undefined;
    }
    return entry.userId;
  }

  async verify(token: string): Promise<Verified> {
    const hit = this.cached(token);
    if (hit !== undefined) return { ok: true, userId: hit };
    try {
      const { payload } = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.algorithms,
        clockTolerance: this.options.clockSkewSeconds,
        currentDate: new Date(this.now()),
        ...(this.options.issuer !== undefined && { issuer: this.options.issuer }),
        ...(this.options.audience !== undefined && { audience: this.options.audience }),
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'no_subject' };
      this.remember(token, payload.sub, payload.exp);
      return { ok: true, userId: payload.sub };
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }

  size(): number {
    return this.cache.size;
  }

  private remember(token: string, userId: string, exp: number | undefined): void {
    // A token without exp is trusted for at most 5 minutes before its signature is checked again.
    const expiresAtMs = Math.min(
      exp === undefined ? Infinity : (exp + this.options.clockSkewSeconds) * 1000,
      this.now() + 5 * 60_000,
    );
    if (this.cache.size >= this.options.cacheSize) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(token, { userId, expiresAtMs });
  }
}
