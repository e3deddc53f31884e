// Jest 30 in ESM mode through ts-jest's default-esm preset, in three tiers:
//   unit         no database, no browser: the billing rules, money, mapping names, validation,
//                specs beside the code they test (src/**/*.spec.ts). `npm run test:unit`, seconds.
//   integration  a real PostgreSQL (DATABASE_URL when set, otherwise an embedded one that
//                test/database-setup.mjs starts once), supertest against the real API, the
//                simulators over HTTP.
//   browser      Debian's Chromium driven by playwright-core: the widgets against a fixture API
//                (test/ui) and the whole demo stack (test/ui-e2e).
// `npm test` builds, then runs every tier (what .ci/run calls); --selectProjects picks tiers.
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
};
const base = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  rootDir: '.',
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/dist/'],
  transform,
};
// The database is started once for the integration and browser tiers together (the setup is
// idempotent within one jest process, the teardown runs after the last tier that used it).
const withDatabase = {
  globalSetup: '<rootDir>/test/database-setup.mjs',
  globalTeardown: '<rootDir>/test/database-teardown.mjs',
};

/** The unit tier, also what `npm run test:mutation` (stryker.config.mjs) runs against each mutant. */
export const unitProject = {
  ...base,
  displayName: 'unit',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/simulators/**/*.spec.ts', '<rootDir>/test/foundation/compose.spec.ts'],
};

/** @type {import('jest').Config} */
export default {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    unitProject,
    {
      ...base,
      ...withDatabase,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/ui/', '<rootDir>/test/ui-e2e/', '<rootDir>/test/foundation/compose.spec.ts'],
    },
    {
      ...base,
      ...withDatabase,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/ui/**/*.spec.ts', '<rootDir>/test/ui-e2e/**/*.spec.ts'],
    },
  ],
};
