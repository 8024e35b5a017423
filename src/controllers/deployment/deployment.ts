// The Deployment controller: watches Deployments, their ReplicaSets and pods, and rolls each Deployment out.
import { cloneJson, deepEqual } from '../../meta/deep-equal.js';
import { labelSelectorFromObject, type LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { controlledBy, controlledByOrOrphans, controllerOf, ownerKeyFor, type Controller, type ControllerContext, type SharedInformer } from '../runtime/index.js';
import { getRollbackTo } from './deployment-annotations.js';
import { claimReplicaSets, type ReplicaSetClaim } from './deployment-claim.js';
import { isNamespaceTerminating, updateDeploymentStatus, type DeploymentDeps } from './deployment-client.js';
import { rolloutRecreate, type PodMap } from './deployment-recreate.js';
import { rollback } from './deployment-rollback.js';
import { rolloutRolling } from './deployment-rolling.js';
import { checkPausedConditions, isScalingEvent, sync, syncStatusOnly } from './deployment-sync.js';
import type { Deployment, ReplicaSet } from './deployment-util.js';

const deploymentKind = { apiVersion: 'apps/v1', kind: 'Deployment' };
const replicaSetKind = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
/** Retries before a failing deployment is dropped from the queue (5ms·2^14 ≈ 82s into the backoff), as upstream. */
const maxRetries = 15;

export interface DeploymentControllerOptions {
  /** kube-controller-manager's --concurrent-deployment-syncs. */
  workers?: number;
}

/** Undefined for a selector that cannot be parsed: such a deployment selects, and so owns, nothing. */
function selectorOf(d: Deployment): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(d.spec.selector);
  } catch {
    return undefined;
  }
}

/** An empty selector would claim every pod of the namespace; upstream refuses to act on it. */
function isSelectingAll(d: Deployment): boolean {
  const selector = d.spec.selector;
  return !!selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

class DeploymentController {
  private deps!: DeploymentDeps;

  start(ctx: ControllerContext): void {
    const deployments = ctx.informers.informerFor('apps/v1', 'deployments');
    const replicaSets = ctx.informers.informerFor('apps/v1', 'replicasets');
    const pods = ctx.informers.informerFor('v1', 'pods');
    this.deps = { ctx, deployments, replicaSets, pods };
    deployments.addEventHandler({
      onAdd: (d) => ctx.enqueue(d),
      onUpdate: (_old, d) => ctx.enqueue(d),
      onDelete: (d) => ctx.enqueue(d),
    });
    replicaSets.addEventHandler({
      onAdd: (rs) => this.addReplicaSet(rs),
      onUpdate: (oldRS, rs) => this.updateReplicaSet(oldRS, rs),
      onDelete: (rs) => this.enqueueController(rs),
    });
    pods.addEventHandler({ onDelete: (pod) => this.deletePod(pod) });
  }

  private get deployments(): SharedInformer {
    return this.deps.deployments;
  }

  /** The deployment a controllerRef names, if it is still the same object (same uid). */
  private enqueueController(obj: KubeObject): void {
    this.deps.ctx.enqueueOwner(obj, deploymentKind, this.deployments);
  }

  /** Deployments whose (non-empty) selector matches an orphan ReplicaSet's labels: candidates to adopt it. */
  private deploymentsSelecting(rs: KubeObject): Deployment[] {
    const labels = rs.metadata.labels ?? {};
    if (Object.keys(labels).length === 0) return [];
    return (this.deployments.list() as Deployment[]).filter((d) => {
      if (d.metadata.namespace !== rs.metadata.namespace) return false;
      const selector = selectorOf(d);
      return !!selector && !selector.empty && selector.matches(labels);
    });
  }

  private addReplicaSet(rs: KubeObject): void {
    // A ReplicaSet already being deleted when first seen (e.g. after a restart) is handled as a delete.
    if (rs.metadata.deletionTimestamp || controllerOf(rs)) {
      this.enqueueController(rs);
      return;
    }
    for (const d of this.deploymentsSelecting(rs)) this.deps.ctx.enqueue(d);
  }

  private updateReplicaSet(oldRS: KubeObject, rs: KubeObject): void {
    if (oldRS.metadata.resourceVersion === rs.metadata.resourceVersion) return;
    const oldRef = controllerOf(oldRS);
    const ref = controllerOf(rs);
    const refChanged = !deepEqual(oldRef, ref);
    if (refChanged && oldRef) this.enqueueController(oldRS);
    if (ref) {
      this.enqueueController(rs);
      return;
    }
    // An orphan that changed may have just become adoptable.
    const labelsChanged = !deepEqual(oldRS.metadata.labels ?? {}, rs.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.deploymentsSelecting(rs)) this.deps.ctx.enqueue(d);
  }

  /** A Recreate deployment waits for its old pods to be gone, so the last pod's deletion wakes it. */
  private deletePod(pod: KubeObject): void {
    const rsKey = ownerKeyFor(pod, replicaSetKind, this.deps.replicaSets);
    const rs = rsKey ? this.deps.replicaSets.get(rsKey) : undefined;
    const dKey = rs ? ownerKeyFor(rs, deploymentKind, this.deployments) : undefined;
    const d = dKey ? (this.deployments.get(dKey) as Deployment | undefined) : undefined;
    if (!d || d.spec.strategy?.type !== 'Recreate') return;
    const owned = this.ownedReplicaSets(d);
    const podMap = this.podMapFor(d, owned);
    if ([...podMap.values()].every((list) => list.length === 0)) this.deps.ctx.enqueue(d);
  }

  /** ListReplicaSets: the ReplicaSets matching the selector that this deployment controls, without claiming any. */
  private ownedReplicaSets(d: Deployment): ReplicaSet[] {
    const selector = selectorOf(d);
    if (!selector) return [];
    return (controlledBy(this.deps.replicaSets, d.metadata.uid ?? '') as ReplicaSet[]).filter(
      (rs) => rs.metadata.namespace === d.metadata.namespace && selector.matches(rs.metadata.labels),
    );
  }

  /** Inactive pods count too: a Recreate rollout must know no old pod still runs before starting new ones. */
  private podMapFor(d: Deployment, rsList: ReplicaSet[]): PodMap {
    const podMap: PodMap = new Map(rsList.map((rs) => [rs.metadata.uid!, []]));
    const selector = selectorOf(d);
    if (!selector) return podMap;
    for (const [uid, list] of podMap) {
      for (const pod of controlledBy(this.deps.pods, uid)) {
        if (pod.metadata.namespace === d.metadata.namespace && selector.matches(pod.metadata.labels)) list.push(pod);
      }
    }
    return podMap;
  }

  /** handleErr: a namespace being deleted is not retried, and a key failing maxRetries times in a row is dropped. */
  async reconcile(key: string): Promise<void> {
    try {
      await this.syncDeployment(key);
    } catch (err) {
      if (isNamespaceTerminating(err)) return;
      if (this.deps.ctx.queue.numRequeues(key) < maxRetries) throw err;
      this.deps.ctx.logError(err);
    }
  }

  private async syncDeployment(key: string): Promise<void> {
    const cached = this.deployments.get(key) as Deployment | undefined;
    if (!cached) return;
    const d = cloneJson(cached);
    const deps = this.deps;
    if (isSelectingAll(d)) {
      deps.ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        (d.status ??= {}).observedGeneration = d.metadata.generation;
        await updateDeploymentStatus(deps, d);
      }
      return;
    }
    const selector = selectorOf(d);
    if (!selector) throw new Error(`deployment ${key} has invalid label selector`);
    const candidates = controlledByOrOrphans(this.deps.replicaSets, d.metadata.uid ?? '', d.metadata.namespace) as ReplicaSet[];
    const claim: ReplicaSetClaim = { deps, d, selector, candidates };
    const rsList = await claimReplicaSets(claim);
    // Only a Recreate rollout reads the pods; taken here all the same, so it sees them as of the claim, as upstream.
    const podMap = d.spec.strategy?.type === 'Recreate' ? this.podMapFor(d, rsList) : undefined;

    if (d.metadata.deletionTimestamp) return syncStatusOnly(deps, d, rsList);
    await checkPausedConditions(deps, d);
    if (d.spec.paused) return sync(deps, d, rsList);
    // Until the rollbackTo request is cleared, ReplicaSets must not move: their revisions are what it refers to.
    if (getRollbackTo(d)) return rollback(deps, d, rsList);
    if (await isScalingEvent(deps, d, rsList)) return sync(deps, d, rsList);
    switch (d.spec.strategy?.type) {
      case 'Recreate':
        return rolloutRecreate(deps, d, rsList, podMap!);
      case 'RollingUpdate':
        return rolloutRolling(deps, d, rsList);
    }
    throw new Error(`unexpected deployment strategy type: ${String(d.spec.strategy?.type)}`);
  }
}

export function deploymentController(options: DeploymentControllerOptions = {}): Controller {
  const impl = new DeploymentController();
  return {
    name: 'deployment',
    component: 'deployment-controller',
    workers: options.workers ?? 5,
    start: (ctx) => impl.start(ctx),
    reconcile: (key) => impl.reconcile(key),
  };
}
