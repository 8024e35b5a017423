// Renders the kubeconfig clients use to reach a kubefake server (cluster, user and context all named `kubefake`).
import { stringify } from 'yaml';

export function kubeconfigYaml(url: string, name = 'kubefake'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user: { token: 'kubefake' } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
