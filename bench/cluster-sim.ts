// A child process simulating a cluster in-process: nodes, pods through Deployments, scheduled and Running; prints JSON.
import { readFileSync } from 'node:fs';
import { startCluster, type Cluster } from '../dist/index.js';
import type { BenchObject } from './bodies.js';

type Scenario =
  | { kind: 'scale'; nodes: number; deployments: number; replicas: number; budgetMs: number }
  | { kind: 'deployment'; nodes: number; replicas: number; budgetMs: number };

const wallMs = () => performance.now();

function peakRssBytes(): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.memoryUsage().rss;
}

function deployment(name: string, replicas: number): BenchObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/nginx:1.27', resources: { requests: { cpu: '1m', memory: '1Mi' } } }] },
      },
    },
  };
}

/** Follows pods in the store (no copies): when each is first bound and first Running. */
function followPods(cluster: Cluster, total: number) {
  const scheduled = new Set<string>();
  const running = new Set<string>();
  const state = { allScheduledAt: NaN, allRunningAt: NaN };
  let resolveRunning!: () => void;
  const allRunning = new Promise<void>((resolve) => (resolveRunning = resolve));
  const handle = cluster.store.watch('/registry/core/pods/', cluster.store.currentRevision() + 1, (event) => {
    if (event.type === 'DELETED') return;
    const pod = event.record.object as { spec?: { nodeName?: string }; status?: { phase?: string } };
    const key = event.record.key;
    if (pod.spec?.nodeName && !scheduled.has(key)) {
      scheduled.add(key);
      if (scheduled.size === total) state.allScheduledAt = wallMs();
    }
    if (pod.status?.phase === 'Running' && !running.has(key)) {
      running.add(key);
      if (running.size === total) {
        state.allRunningAt = wallMs();
        resolveRunning();
      }
    }
  });
  return { state, allRunning, stop: () => handle.stop(), counts: () => ({ scheduled: scheduled.size, running: running.size }) };
}

async function scale(nodes: number, deployments: number, replicas: number, budgetMs: number) {
  const total = deployments * replicas;
  const cluster = await startCluster({ nodes: Array.from({ length: nodes }, (_, i) => ({ name: `node-${i}`, capacity: { pods: '200', cpu: '64', memory: '256Gi' } })), loadClientNode: false });
  const follow = followPods(cluster, total);
  const started = wallMs();
  for (let i = 0; i < deployments; i++) await cluster.client.create('apps/v1', 'deployments', 'default', deployment(`app-${i}`, replicas));
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), budgetMs).unref());
  const outcome = await Promise.race([follow.allRunning, timeout]);
  const counts = follow.counts();
  const result = {
    pods: total,
    elapsedSeconds: (wallMs() - started) / 1000,
    nodes,
    ...counts,
    completed: outcome !== 'timeout',
    scheduledSeconds: (follow.state.allScheduledAt - started) / 1000,
    runningSeconds: (follow.state.allRunningAt - started) / 1000,
    peakRssBytes: peakRssBytes(),
  };
  follow.stop();
  await cluster.close();
  return result;
}

async function oneDeployment(nodes: number, replicas: number, budgetMs: number) {
  const cluster = await startCluster({ nodes, loadClientNode: false });
  const key = '/registry/apps/deployments/default/web';
  let done!: (ms: number) => void;
  const available = new Promise<number>((resolve) => (done = resolve));
  const started = wallMs();
  const handle = cluster.store.watch(key, cluster.store.currentRevision() + 1, (event) => {
    const status = (event.record.object as { status?: { availableReplicas?: number; conditions?: { type: string; status: string }[] } }).status;
    const condition = status?.conditions?.find((c) => c.type === 'Available');
    if (status?.availableReplicas === replicas && condition?.status === 'True') done(wallMs() - started);
  });
  await cluster.client.patch('apps/v1', 'deployments', 'default', 'web', 'apply', deployment('web', replicas), { fieldManager: 'bench', force: true });
  const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), budgetMs).unref());
  const ms = await Promise.race([available, timeout]);
  handle.stop();
  await cluster.close();
  return { replicas, nodes, availableMs: ms, peakRssBytes: peakRssBytes() };
}

const scenario = JSON.parse(process.argv[2]!) as Scenario;
const result =
  scenario.kind === 'scale'
    ? await scale(scenario.nodes, scenario.deployments, scenario.replicas, scenario.budgetMs)
    : await oneDeployment(scenario.nodes, scenario.replicas, scenario.budgetMs);
process.stdout.write(`${JSON.stringify(result, (_key, value: unknown) => (value === Infinity ? null : value))}\n`);
process.exit(0);
