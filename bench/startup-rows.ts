// Start-up rows: startCluster() to the first answer in-process, the CLI to /readyz, and reset() with 1,000 objects.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { request } from 'undici';
import { startCluster } from '../dist/index.js';
import { configMap } from './bodies.js';
import { cliPath } from './processes.js';
import type { Row } from './report.js';
import { elapsedMs, median, repeat } from './stats.js';

export interface StartupOptions {
  inProcessRuns: number;
  cliRuns: number;
  resetRuns: number;
}

async function firstAnswer(url: string, path: string): Promise<void> {
  const res = await request(`${url}${path}`);
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode}`);
}

/** Time from spawning `args` until `/readyz` answers 200 on the URL the process prints. */
function processToReady(args: string[], pattern: RegExp): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (!match) return;
      pattern.lastIndex = 0;
      firstAnswer(match[1]!, '/readyz').then(() => {
        const ms = elapsedMs(started);
        child.once('exit', () => resolve(ms));
        child.kill('SIGTERM');
      }, reject);
      seen = '';
    });
    child.once('error', reject);
  });
}

const bareServerScript =
  "const s=require('node:http').createServer((q,r)=>r.end('ok'));s.listen(0,'127.0.0.1',()=>console.log('listening on http://127.0.0.1:'+s.address().port));process.on('SIGTERM',()=>process.exit(0))";

export async function startupRows(options: StartupOptions): Promise<Row[]> {
  const section = 'Start-up';
  const inProcess = await repeat(options.inProcessRuns, async () => {
    const started = performance.now();
    const cluster = await startCluster();
    await firstAnswer(cluster.url, '/api/v1/namespaces/default');
    const ms = elapsedMs(started);
    await cluster.close();
    return ms;
  });
  const bareInProcess = await repeat(options.inProcessRuns, async () => {
    const started = performance.now();
    const server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    await firstAnswer(`http://127.0.0.1:${address.port}`, '/');
    const ms = elapsedMs(started);
    await new Promise((resolve) => server.close(resolve));
    return ms;
  });
  const cli = await repeat(options.cliRuns, () =>
    processToReady([cliPath, '--port', '0', '--log-level', 'warn', '--kubeconfig', `/tmp/kubefake-bench-startup-${process.pid}.yaml`], /serving on (http\S+)/),
  );
  const bareProcess = await repeat(options.cliRuns, () => processToReady(['-e', bareServerScript], /listening on (http\S+)/));

  // reset() with 1,000 objects written since the cluster started (ConfigMaps; the controllers see them all).
  const cluster = await startCluster({ loadClientNode: false });
  const resets: number[] = [];
  const copies: number[] = [];
  for (let run = 0; run < options.resetRuns + 1; run++) {
    const objects = [];
    for (let i = 0; i < 1000; i++) objects.push(await cluster.client.create('v1', 'configmaps', 'default', configMap('default', `cm-${i}`, i)));
    await cluster.settle();
    // Baseline: the least a reset can cost, copying the same 1,000 objects once.
    let started = performance.now();
    structuredClone(objects);
    const copyMs = elapsedMs(started);
    started = performance.now();
    await cluster.reset();
    const ms = elapsedMs(started);
    if (run > 0) {
      resets.push(ms);
      copies.push(copyMs);
    }
  }
  await cluster.close();

  return [
    {
      id: 'startup.in-process',
      section,
      name: `startCluster() to first answer, in-process (median of ${options.inProcessRuns})`,
      value: median(inProcess),
      unit: 'ms',
      better: 'lower',
      baseline: median(bareInProcess),
      baselineName: 'bare node:http listen + GET',
      target: { on: 'value', op: '<=', limit: 50 },
    },
    {
      id: 'startup.cli',
      section,
      name: `CLI process start to /readyz (median of ${options.cliRuns})`,
      value: median(cli),
      unit: 'ms',
      better: 'lower',
      baseline: median(bareProcess),
      baselineName: 'bare node:http process',
      target: { on: 'value', op: '<=', limit: 500 },
    },
    {
      id: 'startup.reset-1000',
      section,
      name: `reset() after 1,000 ConfigMaps were created (median of ${options.resetRuns})`,
      value: median(resets),
      unit: 'ms',
      better: 'lower',
      baseline: median(copies),
      baselineName: 'structuredClone of the 1,000',
      target: { on: 'value', op: '<=', limit: 5 },
    },
  ];
}
