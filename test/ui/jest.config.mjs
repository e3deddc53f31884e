// Widget tests only: real Chromium against test/ui/fixture-api.ts, no database needed.
// Build the bundle first: `npx vite build --config plugin-ui/vite.config.ts`, then
// `node --experimental-vm-modules node_modules/jest/bin/jest.js -c test/ui/jest.config.mjs`.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  rootDir: '../..',
  roots: ['<rootDir>/test/ui'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
