import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { forbidden, unauthorized } from '../errors/switchyard-error.js';

export type AdminRole = 'admin' | 'read';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Equal-length digests compared in constant time, so a token's length and prefix do not leak. */
function sameToken(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

/**
 * Bearer auth for `/admin`: the admin token may do everything, the read token only `GET`.
 * Sets `res.locals.role`.
 */
export function adminAuth(adminToken: string, readToken: string | undefined) {
  const admin = digest(adminToken);
  const read = readToken === undefined ? null : digest(readToken);
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    const token = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
    let role: AdminRole | null = null;
    if (token !== '' && sameToken(token, admin)) role = 'admin';
    else if (token !== '' && read !== null && sameToken(token, read)) role = 'read';
    if (role === null) return next(unauthorized());
    if (role === 'read' && req.method !== 'GET' && req.method !== 'HEAD') return next(forbidden());
    res.locals.role = role;
    next();
  };
}
