// What every deployment sync step shares: the controller context, its caches, and the writes it makes.
import { ApiError } from '../../meta/errors.js';
import type { ControllerContext, SharedInformer } from '../runtime/index.js';
import { revisionAnnotation } from './deployment-annotations.js';
import type { Deployment, ReplicaSet } from './deployment-util.js';

export interface DeploymentDeps {
  ctx: ControllerContext;
  deployments: SharedInformer;
  replicaSets: SharedInformer;
  pods: SharedInformer;
}

/** Writes into a namespace being deleted all fail; there is nothing to retry. */
export function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && (err.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

/** kube-controller-manager's writes show up under its name in managedFields. */
const fieldManager = 'kube-controller-manager';

export async function createReplicaSet(deps: DeploymentDeps, rs: ReplicaSet): Promise<ReplicaSet> {
  return (await deps.ctx.client.create('apps/v1', 'replicasets', rs.metadata.namespace, rs, { fieldManager })) as ReplicaSet;
}

export async function updateReplicaSet(deps: DeploymentDeps, rs: ReplicaSet): Promise<ReplicaSet> {
  return (await deps.ctx.client.update('apps/v1', 'replicasets', rs.metadata.namespace, rs, { fieldManager })) as ReplicaSet;
}

export async function deleteReplicaSet(deps: DeploymentDeps, rs: ReplicaSet): Promise<void> {
  await deps.ctx.client.delete('apps/v1', 'replicasets', rs.metadata.namespace, rs.metadata.name!);
}

export async function patchReplicaSet(deps: DeploymentDeps, rs: ReplicaSet, patch: unknown): Promise<ReplicaSet> {
  const { namespace, name } = rs.metadata;
  return (await deps.ctx.client.patch('apps/v1', 'replicasets', namespace, name!, 'strategic', patch, { fieldManager })) as ReplicaSet;
}

/** A spec write (clearing rollbackTo, restoring a template); `d` takes the new resourceVersion for later writes. */
export async function updateDeployment(deps: DeploymentDeps, d: Deployment): Promise<void> {
  const saved = await deps.ctx.client.update('apps/v1', 'deployments', d.metadata.namespace, d, { fieldManager });
  d.metadata.resourceVersion = saved.metadata.resourceVersion;
}

/**
 * UpdateStatus as the controller does it, carrying the revision annotation along: upstream's Deployment status
 * strategy keeps metadata changes other than labels, and the controller relies on that to record the revision.
 * Where this API server drops metadata on /status, the annotation follows in a merge patch of its own.
 * `d` takes the new resourceVersion so a second write in the same sync does not conflict with the first.
 */
export async function updateDeploymentStatus(deps: DeploymentDeps, d: Deployment): Promise<void> {
  const client = deps.ctx.client;
  const namespace = d.metadata.namespace;
  const saved = await client.update('apps/v1', 'deployments', namespace, d, { fieldManager, subresource: 'status' });
  d.metadata.resourceVersion = saved.metadata.resourceVersion;
  const revision = d.metadata.annotations?.[revisionAnnotation];
  if (revision === undefined || saved.metadata.annotations?.[revisionAnnotation] === revision) return;
  const patch = { metadata: { resourceVersion: d.metadata.resourceVersion, annotations: { [revisionAnnotation]: revision } } };
  const patched = await client.patch('apps/v1', 'deployments', namespace, d.metadata.name!, 'merge', patch, { fieldManager });
  d.metadata.resourceVersion = patched.metadata.resourceVersion;
}
