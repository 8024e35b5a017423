// jest configuration: TypeScript tests run as ESM through ts-jest (transpile only; `npm run typecheck` checks types).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/examples/**/*.test.ts'],
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/setup-binaries.ts',
};
