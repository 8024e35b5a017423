// jest configuration of the examples, as in a project of your own: one kubefake server for the run, TypeScript via ts-jest.
// Run from the repository's root: NODE_OPTIONS=--experimental-vm-modules npx jest --config examples/jest/jest.config.js
export default {
  testEnvironment: 'node',
  // kubefake and @kubernetes/client-node are ES modules: jest runs the tests as ESM (hence the NODE_OPTIONS above).
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  // One server for the whole run; KUBECONFIG points at it in every test file (useNamespace() and loadFromDefault()).
  globalSetup: 'kubefake/jest/global-setup',
  globalTeardown: 'kubefake/jest/global-teardown',
};
