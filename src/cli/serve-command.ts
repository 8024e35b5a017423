// `kubefake serve` (the default command): starts a server, writes its kubeconfig, shuts down cleanly on SIGTERM/SIGINT.
import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseTokenFlag, type AuthOptions, type StaticToken } from '../auth/static-tokens.js';
import { createLogger, logFormats, logLevels, type LogFormat, type LogLevel } from '../logging/logger.js';
import { advertisedUrl, withKubeconfigServer } from './advertise-address.js';

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
  // The environment variables let the container image set these even when `docker run image <flags>` replaces its
  // CMD. Not KUBEFAKE_PORT: Kubernetes sets that (tcp://…) in pods next to a Service named kubefake.
  .addOption(new Option('-p, --port <port>', 'port to listen on (0 picks a free port)').argParser(port).default(6443).env('KUBEFAKE_LISTEN_PORT'))
  .addOption(new Option('--host <address>', 'address to listen on').default('127.0.0.1').env('KUBEFAKE_HOST'))
  .addOption(
    new Option('--kubeconfig <file>', 'where to write the kubeconfig').default(resolve(homedir(), '.kube', 'kubefake.yaml')).env('KUBEFAKE_KUBECONFIG'),
  )
  .addOption(
    new Option('--advertise-address <host[:port]>', "the server address written into the kubeconfig (default: the listening URL), e.g. a container's published port")
      .env('KUBEFAKE_ADVERTISE_ADDRESS'),
  )
  .option('--tls', 'serve HTTPS with a certificate from the cluster CA; the kubeconfig trusts that CA')
  .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; needs --tls-key); the kubeconfig skips verification')
  .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
  .option(
    '--tls-san <name>',
    'another DNS name or IP for the --tls certificate (repeatable)',
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  )
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
    '--restore <file>',
    'start from exactly the state in this file (as `kubefake export` or GET /kubefake/v1/snapshot write it); --crds and --load go on top',
  )
  .addOption(
    new Option('--snapshot-on-exit <file>', 'on SIGTERM/SIGINT, write the state here (as `kubefake export` does; JSON if it ends in .json) for --restore')
      .env('KUBEFAKE_SNAPSHOT_ON_EXIT'),
  )
  .addOption(
    new Option('--max-watches <count>', 'HTTP watches served at once; more get 429 TooManyRequests').argParser(positive).default(10_000).env('KUBEFAKE_MAX_WATCHES'),
  )
  .option(
    '--webhook-host <host:port>',
    "where webhooks' clientConfig.service references are reached (e.g. 127.0.0.1:9443 for a local webhook server)",
  )
  .option(
    '--token <token[:user[:group1,group2]]>',
    'accept only these bearer tokens (repeatable; 401 for others); a bare token is kubefake-admin in system:masters. The kubeconfig carries the first',
    (value: string, previous: StaticToken[]) => [...previous, tokenFlag(value)],
    [] as StaticToken[],
  )
  .addOption(
    new Option('--authorization <mode>', "AlwaysAllow, or RBAC: requests are decided by Roles and bindings (kube-apiserver's --authorization-mode)")
      .choices(['AlwaysAllow', 'RBAC'])
      .default('AlwaysAllow')
      .env('KUBEFAKE_AUTHORIZATION'),
  )
  .addOption(
    new Option('--anonymous-auth <bool>', 'serve requests without credentials as system:anonymous (default: true, false with --token)').choices(['true', 'false']),
  )
  .addOption(
    new Option('--log-level <level>', 'structured logs on stderr: info logs one line per request, warn and error only problems')
      .choices(logLevels)
      .default('info')
      .env('KUBEFAKE_LOG_LEVEL'),
  )
  .addOption(
    new Option('--log-format <format>', 'json (one object per line) or text (apiserver-like lines)').choices(logFormats).default('json').env('KUBEFAKE_LOG_FORMAT'),
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
  restore?: string;
  snapshotOnExit?: string;
  maxWatches: number;
  webhookHost?: string;
  advertiseAddress?: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsSan: string[];
  token: StaticToken[];
  anonymousAuth?: 'true' | 'false';
  authorization: 'AlwaysAllow' | 'RBAC';
}

function tokenFlag(value: string): StaticToken {
  try {
    return parseTokenFlag(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

function authOption(opts: ServeOptions): AuthOptions {
  return { tokens: opts.token, anonymous: opts.anonymousAuth === undefined ? undefined : opts.anonymousAuth === 'true' };
}

/** --tls, or --tls-cert with --tls-key (which imply it). */
function tlsOption(opts: ServeOptions): boolean | { cert: string; key: string } {
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
  return opts.tlsCert !== undefined && opts.tlsKey !== undefined ? { cert: opts.tlsCert, key: opts.tlsKey } : opts.tls === true;
}

async function serve(opts: ServeOptions): Promise<void> {
  const logger = createLogger({ level: opts.logLevel, format: opts.logFormat });
  const tls = tlsOption(opts);
  // Loaded here, not at the top: the other subcommands (kubeconfig, export) then start without the whole server.
  const { startCluster } = await import('../cluster.js');
  const snapshotFile = opts.snapshotOnExit === undefined ? undefined : resolve(opts.snapshotOnExit);
  // Now rather than at the signal: shutdown has a second, and the import would spend part of it.
  const snapshotFormat = snapshotFile === undefined ? undefined : await import('../cluster-snapshot-file.js');
  const cluster = await startCluster({
    logger,
    // The CLI never reads cluster.kubeConfig: not loading @kubernetes/client-node saves half a second of start-up.
    loadClientNode: false,
    port: opts.port,
    host: opts.host,
    historySize: opts.historySize,
    clock: opts.clock,
    controllers: opts.controllers,
    nodes: opts.nodes,
    crds: opts.crds,
    load: opts.load,
    restore: opts.restore,
    maxWatches: opts.maxWatches,
    tls,
    tlsSans: opts.tlsSan,
    webhookServiceResolver: opts.webhookHost ? ({ path }) => `https://${opts.webhookHost}${path}` : undefined,
    auth: authOption(opts),
    authorization: opts.authorization,
  });
  // Handlers first: a script that sends SIGTERM as soon as it reads the serving line must get a clean shutdown.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`kubefake: ${signal}, shutting down\n`);
    logger.info({ signal }, 'kubefake shutting down');
    // Never hang on shutdown: whatever is still open after a second is cut. A snapshot not written by then is a
    // failure the exit code reports (the file is renamed into place, so it is never left half written).
    setTimeout(() => {
      if (snapshotFile !== undefined) logger.error({ file: snapshotFile }, 'shutdown took over a second: no snapshot written');
      process.exit(snapshotFile === undefined ? 0 : 1);
    }, 1000).unref();
    const closed = cluster.close();
    const done = snapshotFile === undefined ? closed : closed.then(() => saveSnapshot(snapshotFile));
    done.then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  /** The state once no request is being served any more: every write that was answered is in it. */
  const saveSnapshot = async (file: string) => {
    const { snapshotDocument, snapshotYaml } = snapshotFormat!;
    const document = snapshotDocument(await cluster.snapshot());
    const text = file.toLowerCase().endsWith('.json') ? `${JSON.stringify(document)}\n` : snapshotYaml(document);
    const partial = `${file}.partial`;
    // Secrets are part of the state: only the owner may read the file, as with a kubeconfig.
    writeFileSync(partial, text, { mode: 0o600 });
    renameSync(partial, file);
    logger.info({ file, objects: document.items.length }, 'kubefake snapshot written');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const kubeconfigPath = resolve(opts.kubeconfig);
  mkdirSync(dirname(kubeconfigPath), { recursive: true });
  const server = opts.advertiseAddress === undefined ? cluster.url : advertisedUrl(opts.advertiseAddress, cluster.url);
  const kubeconfig = server === cluster.url ? cluster.kubeconfig : withKubeconfigServer(cluster.kubeconfig, server);
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  process.stdout.write(`kubefake serving on ${cluster.url}\nexport KUBECONFIG=${kubeconfigPath}\n`);
  // Not "serving on <url>": scripts that read both streams look for that text, and must find the plain line.
  logger.info({ url: cluster.url, kubeconfig: kubeconfigPath, server }, 'kubefake started');
  if (opts.token.length > 0 && !cluster.url.startsWith('https:')) {
    // client-go sends a kubeconfig's token only over TLS: every kubectl request would be anonymous, hence refused.
    logger.warn({ tls: false }, '--token without --tls: kubectl sends tokens only over HTTPS, so its requests will get 401 (client-node and Python send them over HTTP)');
  }
}
