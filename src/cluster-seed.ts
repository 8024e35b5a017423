// What a new cluster holds before anyone talks to it: system namespaces, the kubernetes Service, nodes, default classes.
import { seedBootstrapPolicy } from './cluster-seed-policy.js';
import type { Clock } from './clock/clock.js';
import { defaultNodes, nodeObject, type NodeSpecification } from './kubelet/node-template.js';
import type { KubeObject } from './meta/types.js';
import type { Registry } from './registry/registry.js';

const startupNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface SeedOptions {
  /** Worker nodes: a count of default nodes, or each node spelled out. */
  nodes: number | NodeSpecification[];
  /** Under RBAC the cluster also starts with upstream's default roles and bindings. */
  authorization?: 'AlwaysAllow' | 'RBAC';
  /** Whether the clusterrole-aggregation controller will run (the seeded policy is then stored aggregated). */
  aggregateClusterRoles?: boolean;
}

export async function seedCluster(registry: Registry, clock: Clock, options: SeedOptions): Promise<void> {
  const namespaces = registry.lookup('', 'v1', 'namespaces')!;
  for (const name of startupNamespaces) await registry.create(namespaces, undefined, { metadata: { name } });
  await create(registry, 'v1', 'services', 'default', {
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
  const now = clock.now();
  const nodes =
    typeof options.nodes === 'number'
      ? defaultNodes(options.nodes, { now })
      : options.nodes.map((spec, index) => nodeObject({ index, ...spec }, now));
  for (const node of nodes) await create(registry, 'v1', 'nodes', undefined, node);
  if (options.authorization === 'RBAC') await seedBootstrapPolicy(registry, clock, { aggregate: options.aggregateClusterRoles ?? true });
}

async function create(registry: Registry, apiVersion: string, resource: string, namespace: string | undefined, object: unknown): Promise<KubeObject> {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  const target = registry.lookup(group, version, resource);
  if (!target) throw new Error(`seed: ${resource} is not served in ${apiVersion}`);
  return (await registry.create(target, namespace, object, { fieldManager: 'kubefake' })).object as KubeObject;
}
