/** @type {import('jest').Config} */
const project = (name, extra = {}) => ({
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
  ...extra,
});

export default {
  // A bound on failures only (jest reads it from the top level, not per project): awaited
  // conditions finish as soon as they hold, and a busy two-core machine must not turn a slow
  // pass into a timeout.
  testTimeout: 30_000,
  projects: [
    project('unit'),
    // These run compiled code (bin/switchyard.js, dist/src/main.js, console/dist): built first when stale.
    project('integration', { globalSetup: '<rootDir>/test/support/build-if-stale.mjs' }),
    project('system', { globalSetup: '<rootDir>/test/support/build-if-stale.mjs' }),
  ],
};
