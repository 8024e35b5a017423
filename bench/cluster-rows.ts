// Cluster simulation rows: many nodes and pods through Deployments to Running, and one big Deployment to Available.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './report.js';
import { MiB } from './stats.js';

export interface ClusterOptions {
  nodes: number;
  deployments: number;
  replicas: number;
  bigDeployment: number;
  /** Wall time the simulation may take before it is reported as unfinished (Running so far, and the rate). */
  budgetMs: number;
  /** The same-run calibration time (ms) rows without a natural baseline are compared against. */
  calibrationMs: number;
}

const simPath = join(dirname(fileURLToPath(import.meta.url)), 'cluster-sim.js');

function runSim<T>(scenario: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=4096', simPath, JSON.stringify(scenario)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`cluster simulation exited with ${code}: ${out.slice(-500)}`));
      }
    });
  });
}

export async function clusterRows(options: ClusterOptions): Promise<Row[]> {
  const total = options.deployments * options.replicas;
  const scale = await runSim<{
    completed: boolean;
    elapsedSeconds: number;
    scheduled: number;
    running: number;
    scheduledSeconds: number | null;
    runningSeconds: number | null;
    peakRssBytes: number;
  }>({
    kind: 'scale',
    nodes: options.nodes,
    deployments: options.deployments,
    replicas: options.replicas,
    budgetMs: options.budgetMs,
  });
  const big = await runSim<{ availableMs: number | null; peakRssBytes: number }>({
    kind: 'deployment',
    nodes: Math.ceil(options.bigDeployment / 100),
    replicas: options.bigDeployment,
    budgetMs: Math.min(options.budgetMs, 120_000),
  });
  const scheduledNote =
    scale.scheduledSeconds === null
      ? `${scale.scheduled.toLocaleString('en-US')} scheduled`
      : `all scheduled after ${scale.scheduledSeconds.toFixed(1)} s (${Math.round(scale.scheduled / scale.scheduledSeconds)} pods/s)`;
  const runningNote = scale.completed
    ? `${scale.running.toLocaleString('en-US')} Running`
    : `UNFINISHED after ${scale.elapsedSeconds.toFixed(0)} s: ${scale.running.toLocaleString('en-US')} Running (${Math.round(scale.running / scale.elapsedSeconds)} pods/s)`;
  const label = `${options.nodes.toLocaleString('en-US')} nodes + ${total.toLocaleString('en-US')} pods (${options.deployments} Deployments)`;
  const fullScale = options.nodes >= 1000 && total >= 100_000;
  const calibration = { baseline: options.calibrationMs / 1000, baselineName: 'CPU calibration (s)' };
  return [
    {
      id: `cluster.running.${options.nodes}x${total}`,
      section: 'Cluster',
      name: `${label}: all Running`,
      value: scale.completed && scale.runningSeconds !== null ? scale.runningSeconds : Infinity,
      unit: 's',
      better: 'lower',
      ...calibration,
      target: fullScale ? { on: 'value', op: '<=', limit: 60 } : undefined,
      notes: `${runningNote}, ${scheduledNote}`,
    },
    {
      id: `cluster.peak-rss.${options.nodes}x${total}`,
      section: 'Cluster',
      name: `${label}: peak RSS`,
      value: scale.peakRssBytes / MiB,
      unit: 'MiB',
      better: 'lower',
      target: fullScale ? { on: 'value', op: '<=', limit: 2048 } : undefined,
    },
    {
      id: `cluster.deployment-available.${options.bigDeployment}`,
      section: 'Cluster',
      name: `${options.bigDeployment.toLocaleString('en-US')}-replica Deployment: apply to Available (all replicas)`,
      value: big.availableMs === null ? Infinity : big.availableMs / 1000,
      unit: 's',
      better: 'lower',
      ...calibration,
      target: options.bigDeployment >= 1000 ? { on: 'value', op: '<=', limit: 3 } : undefined,
    },
  ];
}
