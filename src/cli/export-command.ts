// `kubefake export`: saves a running server's whole state (GET /kubefake/v1/snapshot) for `serve --restore` or `--load`.
import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultKubeconfigPath, readServerAccess, requestServer } from './server-access.js';

export const exportCommand = new Command('export')
  .description("write a running server's objects as one List (uids, status and resourceVersions included), for serve --restore")
  .option('--kubeconfig <file>', 'the kubeconfig of the server to export (default: $KUBECONFIG, else ~/.kube/kubefake.yaml)')
  .option('-o, --output <file>', 'write the state here instead of to stdout')
  .addOption(new Option('--format <format>', 'yaml, or json (the default when --output ends in .json)').choices(['yaml', 'json']))
  .showHelpAfterError()
  .action(exportState);

interface ExportOptions {
  kubeconfig?: string;
  output?: string;
  format?: 'yaml' | 'json';
}

async function exportState(opts: ExportOptions): Promise<void> {
  const access = readServerAccess(resolve(opts.kubeconfig ?? defaultKubeconfigPath()));
  const format = opts.format ?? (opts.output?.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  const body = await requestServer(access, `/kubefake/v1/snapshot?format=${format}`, { accept: `application/${format}` });
  if (opts.output === undefined) {
    process.stdout.write(body);
    return;
  }
  // Secrets are part of the state: only the owner may read the file, as with a kubeconfig.
  writeFileSync(opts.output, body, { mode: 0o600 });
}
