// vitest configuration of the examples, as in a project of your own: one kubefake server for the run.
// Copy this directory into a project that has kubefake, vitest and @kubernetes/client-node installed, then: npx vitest run
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One server for the whole run; KUBECONFIG points at it in every test file (useNamespace() and loadFromDefault()).
    globalSetup: ['kubefake/vitest/global-setup'],
  },
});
