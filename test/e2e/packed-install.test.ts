// kubefake as a user gets it: `npm pack`, a fresh project installing the tarball, and README.md's jest and vitest
// examples (extracted from the README, so the two cannot drift) passing there under real jest and vitest.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readmeFiles, readResults, repoRoot, requireBuild, runToEnd, userEnv, type Finished, type ReadmeFile } from './packed-install-support.js';

const installTimeout = 300_000;
let work: string;
let tarball: string;
let packedFiles: string[];
let app: string;
let install: Finished;
let bare: string;
let bareInstall: Finished;
const readme = readmeFiles(readFileSync(join(repoRoot, 'README.md'), 'utf8'));

/** `npm install` as a user runs it, cache first (the registry is only asked about what the cache lacks). */
function npmInstall(cwd: string, packages: string[]): Promise<Finished> {
  return runToEnd('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], { cwd, timeoutMs: installTimeout });
}

function project(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `kubefake-${name}`, private: true, type: 'module' }, null, 2));
  return dir;
}

/** Writes the README's files of one framework into `<app>/<framework>/`, a directory of the installed project. */
function writeReadmeFiles(framework: ReadmeFile['framework']): { dir: string; tests: string[] } {
  const dir = join(app, framework);
  mkdirSync(dir, { recursive: true });
  const files = readme.filter((f) => f.framework === framework);
  for (const f of files) writeFileSync(join(dir, f.file), f.code);
  return { dir, tests: files.filter((f) => /\.test\.[mc]?[jt]s$/.test(f.file)).map((f) => join(dir, f.file)) };
}

beforeAll(async () => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), 'kubefake-packed-'));
  const pack = await runToEnd('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: repoRoot, timeoutMs: 120_000 });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.output}`);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed!.filename);
  packedFiles = packed!.files.map((f) => f.path);
  app = project('app');
  // A second project installs only kubefake, to show the optional peer dependency is optional; npm's cache is safe to
  // share, so both install at once.
  bare = project('bare');
  [install, bareInstall] = await Promise.all([
    npmInstall(app, [tarball, '@kubernetes/client-node@^1.4.0', 'jest@^29.7.0', 'vitest@^3.2.0']),
    npmInstall(bare, [tarball]),
  ]);
}, installTimeout + 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the README marks a jest config and tests, and a vitest config and tests, for this proof', () => {
  const names = readme.map((f) => `${f.framework} ${f.file}`);
  expect(names).toEqual(expect.arrayContaining(['jest jest.config.mjs', 'vitest vitest.config.ts']));
  expect(names.filter((n) => /^jest .*\.test\./.test(n)).length).toBeGreaterThanOrEqual(2);
  expect(names.filter((n) => /^vitest .*\.test\./.test(n)).length).toBeGreaterThanOrEqual(1);
});

test('the tarball holds the build, the OpenAPI documents and every exported entry point; no sources or tests', () => {
  const tops = [...new Set(packedFiles.map((p) => p.split('/')[0]))].sort();
  expect(tops).toEqual(['NOTICE', 'README.md', 'dist', 'openapi', 'package.json', 'policy', 'proto']);
  expect(packedFiles).toEqual(expect.arrayContaining(['policy/cluster-roles.yaml', 'policy/controller-roles.yaml', 'policy/cluster-role-bindings.yaml', 'policy/namespace-policy.yaml']));
  expect(packedFiles.filter((p) => /\.test\.(js|d\.ts)$/.test(p))).toEqual([]);
  expect(packedFiles.some((p) => p.startsWith('openapi/') && p.endsWith('.json'))).toBe(true);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
  const targets = Object.values(manifest.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
  targets.push(...Object.values(manifest.bin));
  for (const target of targets) expect(packedFiles).toContain(target.replace(/^\.\//, ''));
});

test("the README's jest files pass under jest in a project that installed the tarball", async () => {
  expect({ code: install.code, output: install.code === 0 ? '' : install.output }).toEqual({ code: 0, output: '' });
  const { dir, tests } = writeReadmeFiles('jest');
  const out = join(dir, 'results.json');
  // As the README says to run it: ES modules need jest's VM modules.
  const run = await runToEnd('npx', ['jest', '--ci', '--json', `--outputFile=${out}`], {
    cwd: dir,
    env: userEnv({ NODE_OPTIONS: '--experimental-vm-modules' }),
    timeoutMs: 180_000,
  });
  const results = readResults(out, run);
  expect({ code: run.code, success: results.success, output: results.success ? '' : run.output }).toEqual({ code: 0, success: true, output: '' });
  expect(results.testResults.map((r) => [r.name, r.status]).sort()).toEqual(tests.map((t) => [t, 'passed']).sort());
  expect(results.numPassedTests).toBe(results.numTotalTests);
}, 200_000);

test("the README's vitest files pass under vitest in a project that installed the tarball", async () => {
  expect({ code: install.code, output: install.code === 0 ? '' : install.output }).toEqual({ code: 0, output: '' });
  const { dir, tests } = writeReadmeFiles('vitest');
  const out = join(dir, 'results.json');
  const run = await runToEnd('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${out}`], { cwd: dir, env: userEnv({ CI: 'true' }), timeoutMs: 180_000 });
  const results = readResults(out, run);
  expect({ code: run.code, success: results.success, output: results.success ? '' : run.output }).toEqual({ code: 0, success: true, output: '' });
  expect(results.testResults.map((r) => [r.name, r.status]).sort()).toEqual(tests.map((t) => [t, 'passed']).sort());
  expect(results.numPassedTests).toBe(results.numTotalTests);
}, 200_000);

test('examples/vitest (useCluster() on the virtual clock, the global setup with useNamespace()) pass in that project', async () => {
  expect({ code: install.code, output: install.code === 0 ? '' : install.output }).toEqual({ code: 0, output: '' });
  // Copied as a user would copy them: 'kubefake/vitest' is the installed tarball here, not the repository's dist/.
  const dir = join(app, 'examples-vitest');
  cpSync(join(repoRoot, 'examples', 'vitest'), dir, { recursive: true });
  const out = join(dir, 'results.json');
  const run = await runToEnd('npx', ['vitest', 'run', '--config', 'vitest.config.ts', '--reporter=json', `--outputFile=${out}`], {
    cwd: dir,
    env: userEnv({ CI: 'true' }),
    timeoutMs: 180_000,
  });
  const results = readResults(out, run);
  expect({ code: run.code, success: results.success, numFailedTests: results.numFailedTests, output: results.success ? '' : run.output }).toEqual({
    code: 0,
    success: true,
    numFailedTests: 0,
    output: '',
  });
  expect(results.numPassedTests).toBe(4);
}, 200_000);

test('without the optional @kubernetes/client-node, kubefake imports, serves and says what to install; the CLI serves', async () => {
  expect({ code: bareInstall.code, output: bareInstall.code === 0 ? '' : bareInstall.output }).toEqual({ code: 0, output: '' });
  writeFileSync(
    join(bare, 'check.mjs'),
    `import { startCluster } from 'kubefake';
import 'kubefake/jest';
import 'kubefake/jest/global-setup';
const cluster = await startCluster();
const res = await fetch(cluster.url + '/api/v1/namespaces/default', { headers: { authorization: 'Bearer kubefake' } });
let message = '';
try { cluster.kubeConfig; } catch (err) { message = err.message; }
await cluster.close();
console.log(JSON.stringify({ status: res.status, message }));
`,
  );
  const check = await runToEnd(process.execPath, ['check.mjs'], { cwd: bare, timeoutMs: 60_000 });
  expect({ code: check.code, output: check.code === 0 ? '' : check.output }).toEqual({ code: 0, output: '' });
  expect(JSON.parse(check.stdout.trim().split('\n').pop()!)).toEqual({
    status: 200,
    message: 'cluster.kubeConfig needs @kubernetes/client-node: npm install --save-dev @kubernetes/client-node',
  });
  expect(await serveUntilReady(bare)).toMatch(/^kubefake serving on http:\/\/127\.0\.0\.1:\d+$/m);
}, 120_000);

/**
 * Runs the installed CLI on a free port until it prints where it serves, asks that URL's /readyz (an answer also means
 * its start-up code has run to the end), then stops it with SIGTERM and expects a clean exit.
 */
function serveUntilReady(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(cwd, 'node_modules', '.bin', 'kubefake'), ['--port', '0', '--kubeconfig', join(cwd, 'kubeconfig')], { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    let asked = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = /kubefake serving on (\S+)/.exec(stdout)?.[1];
      if (!url || asked) return;
      asked = true;
      fetch(`${url}/readyz`).then(
        (res) => (res.ok ? child.kill('SIGTERM') : reject(new Error(`/readyz answered ${res.status}`))),
        (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      );
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`kubefake exited ${String(code)}:\n${stdout}\n${stderr}`))));
  });
}
