#!/usr/bin/env node
// The kubefake command line: `serve` (the default) runs a server; the other subcommands talk to one or make files.
import { Command } from 'commander';
import { serveCommand } from './serve-command.js';
import { exportCommand } from './export-command.js';
import { kubeconfigCommand } from './kubeconfig-command.js';

const program = new Command()
  .name('kubefake')
  .description('A fast, faithful fake Kubernetes API server for tests')
  .addCommand(serveCommand, { isDefault: true })
  .addCommand(kubeconfigCommand)
  .addCommand(exportCommand)
  .showHelpAfterError();

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`kubefake: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
