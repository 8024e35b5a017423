// Runs examples/jest with its own config, as a user would, and requires every test to pass (examples/vitest runs in
// packed-install.test.ts: vitest is not among kubefake's own dependencies).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResults, repoRoot, requireBuild, runToEnd } from './packed-install-support.js';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'kubefake-examples-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('examples/jest: useCluster() and the global setup with useNamespace() pass under jest', async () => {
  const out = join(dir, 'jest.json');
  const run = await runToEnd(
    process.execPath,
    ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--config', 'examples/jest/jest.config.js', '--ci', '--json', `--outputFile=${out}`],
    { cwd: repoRoot, timeoutMs: 180_000 },
  );
  const results = readResults(out, run);
  expect({ code: run.code, ...results, output: results.success ? '' : run.output }).toMatchObject({
    code: 0,
    success: true,
    numFailedTests: 0,
    numPassedTests: 5,
    output: '',
  });
}, 200_000);
