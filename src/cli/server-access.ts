// How CLI subcommands reach a running server: the kubeconfig's current context, one request, errors worded for a shell.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { kubeRequest, kubeTargetFromFile, type KubeTarget } from '../kubeconfig-request.js';

/** --kubeconfig, else the first existing file of $KUBECONFIG, else ~/.kube/kubefake.yaml (where `serve` writes it). */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  return listed.find((p) => existsSync(p)) ?? listed[0] ?? resolve(homedir(), '.kube', 'kubefake.yaml');
}

export function readServerAccess(path: string): KubeTarget {
  try {
    return kubeTargetFromFile(path);
  } catch (err) {
    throw new Error(`cannot read the kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** One request to `path` on the server; resolves with the body of a 200, rejects with the Status message otherwise. */
export async function requestServer(target: KubeTarget, path: string, options: { method?: string; accept?: string } = {}): Promise<string> {
  const origin = target.server.origin;
  let answer;
  try {
    answer = await kubeRequest(target, options.method ?? 'GET', path, undefined, options.accept ?? 'application/json');
  } catch (err) {
    throw new Error(`cannot reach ${origin}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (answer.status !== 200) throw new Error(`${origin} answered ${answer.status}: ${statusMessage(answer.body)}`);
  return answer.body;
}

/** A metav1.Status's message, or the body as it came. */
function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not JSON: show it as it came
  }
  return body.trim();
}
