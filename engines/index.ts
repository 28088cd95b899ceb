export type {
  DivergenceKind,
  EngineFaults,
  EngineKind,
  EngineOptions,
  Headers,
  RecordedHandshake,
  RecordedRequest,
  RunningEngine,
  TicketGrant,
  TicketStore,
} from './types.js';
export { DIVERGENCE_KINDS } from './types.js';
export { startEngine } from './server.js';
export { createTicketStore, type TicketStoreOptions } from './tickets.js';
export { DEMO_JWT_SECRET } from './demo-secret.js';
export { signAccessToken, type AccessTokenRequest } from './access-token.js';
export { WS_PATHS } from './ws/upgrade.js';
