/** The HS256 secret of the demo and tests (RFC 7518 3.2: at least 32 bytes). Never for production. */
export const DEMO_JWT_SECRET = 'switchyard-demo-secret-not-for-production-0123456789';
