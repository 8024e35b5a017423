// Shared by the packed-install and examples suites: run a command to completion, read a runner's JSON results.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// jest's ESM modules have import.meta.url but not import.meta.dirname.
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  stdout: string;
}

/**
 * The environment a user's shell would give a child: the parent's, less what npm and jest set for themselves (an
 * `npm_config_*` or a JEST_WORKER_ID would change how the child npm, jest or vitest behaves).
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'JEST_WORKER_ID' || key === 'NODE_OPTIONS' || key === 'KUBECONFIG' || key === 'INIT_CWD') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command until it exits (killed after `timeoutMs`), with stdout and stderr interleaved in `output`. */
export function runToEnd(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output, stdout }));
  });
}

export interface RunnerResults {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  /** One per test file: its absolute path and `passed` or `failed`. */
  testResults: { name: string; status: string }[];
}

/** jest's `--json --outputFile` and vitest's json reporter write the same summary fields. */
export function readResults(path: string, run: Finished): RunnerResults {
  if (!existsSync(path)) throw new Error(`no results at ${path} (exit ${String(run.code)}):\n${run.output}`);
  return JSON.parse(readFileSync(path, 'utf8')) as RunnerResults;
}

/** The built package the examples and the packed tarball use: `npm test` builds it before jest runs. */
export function requireBuild(): void {
  if (!existsSync(join(repoRoot, 'dist', 'testing', 'jest-global-setup.js'))) {
    throw new Error('dist/ is not built: run `npx tsc -p tsconfig.build.json` (npm test builds it first)');
  }
}

export interface ReadmeFile {
  framework: 'jest' | 'vitest';
  file: string;
  code: string;
}

/**
 * The code blocks README.md marks for the packed-install proof: a `<!-- packed-install: <jest|vitest> <file> -->`
 * line right before a fenced block, so what the README shows is exactly what runs.
 */
export function readmeFiles(markdown: string): ReadmeFile[] {
  const marked = /<!-- packed-install: (jest|vitest) ([\w.-]+) -->\n```[a-z]*\n([\s\S]*?)\n```\n/g;
  return [...markdown.matchAll(marked)].map((m) => ({ framework: m[1] as ReadmeFile['framework'], file: m[2]!, code: `${m[3]!}\n` }));
}
