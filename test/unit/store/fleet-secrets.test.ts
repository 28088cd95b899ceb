import { fleetSecretProblems } from '../../../src/config/fleet-secrets.js';
import { buildConfig } from '../../../src/config/load.js';

const BASE = {
  LEGACY_ENGINE_URL: 'http://127.0.0.1:1',
  USER_ENGINE_URL: 'http://127.0.0.1:2',
  JWT_SECRET: 'j'.repeat(32),
};
const SECRETS = {
  ADMIN_TOKEN: 'a'.repeat(32),
  TICKET_SECRET: 't'.repeat(32),
  ID_HASH_SECRET: 'h'.repeat(32),
};
const UNLEASH = { FLAG_SOURCE: 'unleash', UNLEASH_URL: 'http://127.0.0.1:3/api', UNLEASH_API_TOKEN: 'x' };
const problems = (env: Record<string, string>) => fleetSecretProblems(buildConfig({}, { ...BASE, ...env }));

describe('fleet secrets', () => {
  it('are not needed by one instance with the embedded store and the flag file', () => {
    expect(problems({})).toEqual([]);
  });

  it('names each missing variable with a shared store or the Unleash source', () => {
    expect(problems({ STORE_URL: 'postgres://db/switchyard' })).toEqual([
      expect.stringMatching(/^ADMIN_TOKEN: required with a shared store \(STORE_URL\)/),
      expect.stringMatching(/^TICKET_SECRET: required/),
      expect.stringMatching(/^ID_HASH_SECRET: required/),
    ]);
    expect(problems({ ...UNLEASH, ADMIN_TOKEN: SECRETS.ADMIN_TOKEN })).toEqual([
      expect.stringMatching(/^TICKET_SECRET: required with FLAG_SOURCE=unleash/),
      expect.stringMatching(/^ID_HASH_SECRET: required with FLAG_SOURCE=unleash/),
    ]);
  });

  it('are satisfied when all three are set', () => {
    expect(problems({ ...UNLEASH, STORE_URL: 'postgres://db/s', ...SECRETS })).toEqual([]);
  });
});
