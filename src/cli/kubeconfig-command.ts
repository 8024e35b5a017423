// `kubefake kubeconfig`: asks a running server (via the admin kubeconfig) for a kubeconfig with a client certificate.
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultKubeconfigPath, readServerAccess, requestServer } from './server-access.js';

export const kubeconfigCommand = new Command('kubeconfig')
  .description('write a kubeconfig for a user: a client certificate from the cluster CA (the server needs --tls)')
  .requiredOption('--user <name>', "the username (the certificate's CN)")
  .option('--group <name>', "a group (the certificate's O); repeatable", (value: string, previous: string[]) => [...previous, value], [] as string[])
  .option('--kubeconfig <file>', 'the admin kubeconfig of the server to ask (default: $KUBECONFIG, else ~/.kube/kubefake.yaml)')
  .option('-o, --output <file>', 'write the kubeconfig here (mode 0600) instead of to stdout')
  .showHelpAfterError()
  .action(writeUserKubeconfig);

interface KubeconfigOptions {
  user: string;
  group: string[];
  kubeconfig?: string;
  output?: string;
}

async function writeUserKubeconfig(opts: KubeconfigOptions): Promise<void> {
  const access = readServerAccess(resolve(opts.kubeconfig ?? defaultKubeconfigPath()));
  const query = new URLSearchParams([['user', opts.user], ...opts.group.map((g): [string, string] => ['group', g])]);
  const yaml = await requestServer(access, `/kubefake/v1/kubeconfig?${query.toString()}`, { method: 'POST', accept: 'application/yaml' });
  if (opts.output === undefined) {
    process.stdout.write(yaml);
    return;
  }
  // The file holds a private key: only its owner may read it, as with the kubeconfig `serve` writes.
  writeFileSync(opts.output, yaml, { mode: 0o600 });
}
