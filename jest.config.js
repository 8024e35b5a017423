// jest configuration: TypeScript tests run as ESM through ts-jest (transpile only; `npm run typecheck` checks types).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/examples/**/*.test.ts'],
  // The jest and vitest examples are projects with configs of their own: test/e2e/testing-examples.test.ts runs them.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/examples/(jest|vitest)/'],
  testTimeout: 60000,
  // Suites run one after another in a worker that is replaced once it holds more than this after a suite: hundreds of
  // suites in one process (jest's in-band default on 2 cores) leak module registries until the heap runs out.
  workerIdleMemoryLimit: '1536MB',
  globalSetup: '<rootDir>/test/setup-binaries.ts',
};
