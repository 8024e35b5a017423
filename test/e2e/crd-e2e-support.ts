// Shared pieces of the CRD and webhook e2e suites: the CronTab fixture, manifests of it, and which kubectl versions run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlBinaries } from '../helpers.js';

/** The CronTab CRD (printer columns, shortName `ct`, categories `all` and `schedules`, status/scale, validations). */
export const crontabCrdPath = join(process.cwd(), 'test', 'fixtures', 'crds', 'crontab-crd.yaml');
export const crontabCrdName = 'crontabs.stable.example.com';
export const crontabApiVersion = 'stable.example.com/v1';

/** A CronTab manifest; `spec` is YAML already indented under `spec:` (so tests can write wrongly typed values). */
export function crontab(name: string, spec: string, metadata = ''): string {
  return `apiVersion: ${crontabApiVersion}\nkind: CronTab\nmetadata:\n  name: ${name}\n${metadata}spec:\n${spec}`;
}

/** A valid CronTab spec with the given colour (the selectable field) and, optionally, a timezone (immutable once set). */
export function crontabSpec(color: string, extra: Record<string, string | number> = {}): string {
  const fields: Record<string, string | number> = { cronSpec: '"*/5 * * * *"', image: 'backup:1.0', color, ...extra };
  return Object.entries(fields).map(([key, value]) => `  ${key}: ${value}\n`).join('');
}

/**
 * The kubectl versions the CRD flows run with: the oldest and newest kubectlBinaries() plus the machine's
 * /usr/bin/kubectl (named by the version it reports), so each whole flow stays cheap.
 */
export function crdKubectlBinaries(): { version: string; path: string }[] {
  const all = kubectlBinaries();
  const chosen = all.filter((_, i) => i === 0 || i === all.length - 1);
  const system = '/usr/bin/kubectl';
  if (existsSync(system)) {
    const reported = JSON.parse(execFileSync(system, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as {
      clientVersion: { major: string; minor: string };
    };
    const version = `${reported.clientVersion.major}.${reported.clientVersion.minor.replace(/\D+$/, '')}`;
    // kubectlOf keeps one discovery cache per version name, so a minor already chosen is not run twice.
    if (!chosen.some((b) => b.version === version)) chosen.push({ version, path: system });
  }
  return chosen;
}
