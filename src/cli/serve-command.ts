// `kubefake serve` (the default command): starts a server, writes its kubeconfig, shuts down cleanly on SIGTERM/SIGINT.
import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { startCluster } from '../cluster.js';

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0 picks a free one)');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number (0 or more)');
  return n;
}

export const serveCommand = new Command('serve')
  .description('serve a fake Kubernetes API (the default command)')
  .option('-p, --port <port>', 'port to listen on (0 picks a free port)', port, 6443)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--kubeconfig <file>', 'where to write the kubeconfig', resolve(homedir(), '.kube', 'kubefake.yaml'))
  .option('--history-size <events>', 'events kept for watches from a past resourceVersion', positive, 10_000)
  .addOption(
    new Option('--clock <mode>', 'real, or virtual: time only moves on POST /kubefake/v1/clock:advance?by=<duration>')
      .choices(['real', 'virtual'])
      .default('real'),
  )
  .option('--nodes <count>', 'worker nodes the fake kubelet simulates', nonNegative, 3)
  .option(
    '--controllers <list>',
    "controllers to run, as kube-controller-manager's flag: '*' all, '*,-job' all but job, 'deployment,replicaset' only those, '' none",
    '*',
  )
  .option(
    '--crds <path>',
    'CustomResourceDefinitions to install before serving: a YAML/JSON file or a directory of them (repeatable)',
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  )
  .option(
    '--load <path>',
    'manifests to create before serving (YAML/JSON files or directories; CRDs and namespaces first); repeatable',
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  )
  .option(
    '--webhook-host <host:port>',
    "where webhooks' clientConfig.service references are reached (e.g. 127.0.0.1:9443 for a local webhook server)",
  )
  .showHelpAfterError()
  .action(serve);

interface ServeOptions {
  port: number;
  host: string;
  kubeconfig: string;
  historySize: number;
  clock: 'real' | 'virtual';
  controllers: string;
  nodes: number;
  crds: string[];
  load: string[];
  webhookHost?: string;
}

async function serve(opts: ServeOptions): Promise<void> {
  const cluster = await startCluster({
  port: opts.port,
  host: opts.host,
  historySize: opts.historySize,
  clock: opts.clock,
  controllers: opts.controllers,
  nodes: opts.nodes,
  crds: opts.crds,
  load: opts.load,
    webhookServiceResolver: opts.webhookHost ? ({ path }) => `https://${opts.webhookHost}${path}` : undefined,
  });
  const kubeconfigPath = resolve(opts.kubeconfig);
  mkdirSync(dirname(kubeconfigPath), { recursive: true });
  writeFileSync(kubeconfigPath, cluster.kubeconfig, { mode: 0o600 });
  process.stdout.write(`kubefake serving on ${cluster.url}\nexport KUBECONFIG=${kubeconfigPath}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`kubefake: ${signal}, shutting down\n`);
    // Never hang on shutdown: whatever is still open after a second is cut.
    setTimeout(() => process.exit(0), 1000).unref();
    cluster.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
