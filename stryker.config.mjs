// `npm run test:mutation` (not in CI: minutes, not seconds): StrykerJS mutates the billing rules
// of docs/counting-and-reconciling.md and runs the unit tier against each mutant. The score must
// stay at 90% or more (`thresholds.break`); the HTML report lands in reports/mutation/.
import { unitProject } from './jest.config.js';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    // Transpile only (no type check per mutant): a mutant is a behaviour change, not a type error.
    config: {
      ...unitProject,
      // The unit specs of the rules below; the rest of the unit tier tests other things.
      testMatch: ['<rootDir>/src/{snapshots,reconciliation,mapping,integrations}/*.spec.ts'],
      testTimeout: 60000,
      transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }] },
    },
  },
  ignoreStatic: true,
  coverageAnalysis: 'perTest',
  mutate: [
    'src/snapshots/device-counting.ts',
    'src/reconciliation/money.ts',
    'src/reconciliation/reconcile.ts',
    'src/mapping/company-name.ts',
    'src/integrations/per-device.ts',
  ],
  concurrency: 2,
  timeoutMS: 30000,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
};
