// The StatefulSet controller (kube-controller-manager's `statefulset`): informer wiring, pod claiming, and each sync.
import { labelSelectorFromObject, type LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { revisionsOf } from '../shared/controller-revision.js';
import { controllerOf, type Controller, type ControllerContext } from '../runtime/controller.js';
import type { SharedInformer } from '../runtime/informer.js';
import { inNamespace } from '../runtime/indexes.js';
import { syncStatefulSetState } from './statefulset-control.js';
import { adopt, claimObjects, ownersSelecting, recheckOwner, routePodUpdate } from '../shared/statefulset-daemonset-common.js';
import { StatefulPodControl } from './statefulset-pod-control.js';
import { isMemberOf, replicasOf, setSpec } from './statefulset-utils.js';

const setKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };

function selectorOf(set: KubeObject): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(setSpec(set).selector);
  } catch {
    return undefined;
  }
}

export function statefulSetController(): Controller {
  let ctx: ControllerContext;
  let sets: SharedInformer;
  let pods: SharedInformer;
  let claims: SharedInformer;
  let revisions: SharedInformer;
  let podControl: StatefulPodControl;

  const enqueueOwnerOf = (pod: KubeObject) => ctx.enqueueOwner(pod, setKind, sets);
  /** An orphan may be adopted by any set selecting it. */
  const enqueueSelecting = (pod: KubeObject) => {
    for (const set of ownersSelecting(sets.list(), pod.metadata.namespace, pod.metadata.labels, selectorOf)) ctx.enqueue(set);
  };

  const onPodDelete = (pod: KubeObject) => {
    // Orphans going away concern no controller.
    if (controllerOf(pod)) enqueueOwnerOf(pod);
  };

  const onPodAdd = (pod: KubeObject) => {
    // A pod first seen already terminating (after a restart) is no creation to observe.
    if (pod.metadata.deletionTimestamp) return onPodDelete(pod);
    if (controllerOf(pod)) enqueueOwnerOf(pod);
    else enqueueSelecting(pod);
  };

  const onPodUpdate = (oldPod: KubeObject, pod: KubeObject) => {
    if (oldPod.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    routePodUpdate({ ctx, owners: sets, ownerKind: setKind, minReadySecondsOf: (set) => setSpec(set).minReadySeconds ?? 0, enqueueSelecting }, oldPod, pod);
  };

  /** ControllerRevisions matching the selector that nobody controls become the set's. */
  const adoptOrphanRevisions = async (set: KubeObject, selector: LabelSelector) => {
    const orphans = revisionsOf(set, revisions.list(), selector).filter((r) => !controllerOf(r));
    if (orphans.length === 0) return;
    try {
      await recheckOwner({ client: ctx.client, owner: set, ownerResource: 'statefulsets' });
    } catch (err) {
      throw new Error(`can't adopt ControllerRevisions: ${(err as Error).message}`);
    }
    for (const revision of orphans) await adopt(revision, { client: ctx.client, owner: set, apiVersion: 'apps/v1', resource: 'controllerrevisions' });
  };

  return {
    name: 'statefulset',
    component: 'statefulset-controller',
    start(c) {
      ctx = c;
      sets = ctx.informers.informerFor('apps/v1', 'statefulsets');
      pods = ctx.informers.informerFor('v1', 'pods');
      claims = ctx.informers.informerFor('v1', 'persistentvolumeclaims');
      revisions = ctx.informers.informerFor('apps/v1', 'controllerrevisions');
      podControl = new StatefulPodControl(ctx, pods, claims);
      sets.addEventHandler({
        onAdd: (set) => ctx.enqueue(set),
        onUpdate: (_old, set) => ctx.enqueue(set),
        onDelete: (set) => ctx.enqueue(set),
      });
      pods.addEventHandler({ onAdd: onPodAdd, onUpdate: onPodUpdate, onDelete: onPodDelete });
    },
    async reconcile(key) {
      const set = sets.get(key);
      if (!set) return;
      const selector = selectorOf(set);
      // A selector that does not parse will not parse on a retry either.
      if (!selector) {
        ctx.logError(new Error(`error converting StatefulSet ${key} selector`));
        return;
      }
      await adoptOrphanRevisions(set, selector);
      const candidates = inNamespace(pods, set.metadata.namespace);
      const owned = await claimObjects(candidates, {
        client: ctx.client,
        owner: set,
        ownerResource: 'statefulsets',
        selector,
        filter: (pod) => isMemberOf(set, pod),
        apiVersion: 'v1',
        resource: 'pods',
      });
      const env = {
        client: ctx.client,
        podControl,
        now: () => ctx.clock.now(),
        latest: (s: KubeObject) => ctx.client.get('apps/v1', 'statefulsets', s.metadata.namespace, s.metadata.name!),
      };
      const status = await syncStatefulSetState(env, set, owned, revisionsOf(set, revisions.list(), selector));
      // Pods still short of minReadySeconds need another look once they may have become available.
      const minReadySeconds = setSpec(set).minReadySeconds ?? 0;
      if (minReadySeconds > 0 && status.availableReplicas !== replicasOf(set)) return { requeueAfter: minReadySeconds * 1000 };
    },
  };
}
