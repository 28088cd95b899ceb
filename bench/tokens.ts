import { SignJWT } from 'jose';

/** The HS256 secret every bench proxy verifies with (at least 32 bytes). */
export const BENCH_SECRET = 'bench-secret-that-is-at-least-32-bytes';

/** One signed token for `sub`, valid for an hour. */
export function benchToken(sub: string, secret = BENCH_SECRET): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

/** Tokens of `bench-user-0` .. `bench-user-{count-1}`: the load rotates them. */
export function benchTokens(count = 1000, secret = BENCH_SECRET): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => benchToken(`bench-user-${i}`, secret)));
}
