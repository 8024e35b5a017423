// The apiserver's CRDFinalizer: empties a deleted CRD of its custom resources, then lets the CRD go.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { setCustomResourceDefinitionCondition } from '../../registry/crd/crd-strategy.js';
import { crdApiVersion, crdCleanupFinalizer, type CustomResourceDefinition } from '../../registry/crd/crd-types.js';
import type { Controller, ControllerContext, ReconcileResult } from '../runtime/index.js';
import { messageOf } from '../shared/api-errors.js';
import { crdResource, findCondition, getCRD, hasFinalizer, isConditionEquivalent, isConditionTrue, updateCRDStatus, type Condition } from './crd-controller-kit.js';

/** Built-in resources stored where a CRD of the same group and plural would be: their objects are never deleted. */
const overlappingBuiltIns = new Set(['apiregistration.k8s.io/apiservices', 'apiextensions.k8s.io/customresourcedefinitions']);
/** upstream polls every 5s for the instances to be gone, for at most a minute per attempt. */
const pollIntervalMs = 5_000;
const pollTimeoutMs = 60_000;

const terminating = (status: 'True' | 'False', reason: string, message: string): Condition => ({ type: 'Terminating', status, reason, message });
const inProgress = terminating('True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress');

const needsCleanup = (crd: CustomResourceDefinition): boolean => !!crd.metadata.deletionTimestamp && hasFinalizer(crd, crdCleanupFinalizer);

/** The CRD without what this controller itself writes, to tell its own updates from others'. */
function withoutOwnWrites(crd: CustomResourceDefinition): unknown {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = crd.metadata;
  const conditions = (crd.status?.conditions ?? []).filter((c) => c.type !== 'Terminating');
  return { ...crd, metadata, status: { ...(crd.status ?? {}), conditions } };
}

type Outcome = { condition: Condition; done: boolean };

export function crdFinalizerController(): Controller {
  let ctx: ControllerContext;
  /** When the current wait for instances to go began, by CRD uid. */
  const waitingSince = new Map<string, number>();

  async function deleteInstances(crd: CustomResourceDefinition): Promise<Outcome> {
    const failed = (message: string): Outcome => ({ condition: terminating('True', 'InstanceDeletionFailed', message), done: false });
    const { group, names } = crd.spec;
    const storage = crd.spec.versions.find((v) => v.storage)?.name;
    const served = ctx.client.resources().filter((r) => r.group === group && r.resource === names.plural);
    const target = served.find((r) => r.version === storage) ?? served[0];
    if (!target) {
      const plural = crd.status?.acceptedNames?.plural ?? '';
      return failed(`could not list instances: unable to find a custom resource client for ${plural}.${group}: the resource is not served`);
    }
    const list = async (): Promise<KubeObject[]> => (await ctx.client.list(target.apiVersion, target.resource)).items;
    let items: KubeObject[];
    try {
      items = await list();
    } catch (err) {
      return failed(`could not list instances: ${messageOf(err)}`);
    }
    const errors: string[] = [];
    for (const namespace of new Set(items.map((o) => o.metadata.namespace ?? ''))) {
      try {
        await ctx.client.deleteCollection(target.apiVersion, target.resource, namespace || undefined);
      } catch (err) {
        errors.push(messageOf(err));
      }
    }
    if (errors.length > 0) return failed(`could not issue all deletes: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);
    const remaining = await list();
    if (remaining.length === 0) return { condition: terminating('False', 'InstanceDeletionCompleted', 'removed all instances'), done: true };
    return { condition: inProgress, done: false };
  }

  return {
    name: 'crd-finalizer',
    component: 'crd-finalizer',
    start(context: ControllerContext): void {
      ctx = context;
      const crds = ctx.informers.informerFor(crdApiVersion, crdResource);
      crds.addEventHandler({
        onAdd: (crd) => needsCleanup(crd as CustomResourceDefinition) && ctx.enqueue(crd),
        onUpdate: (old, crd) => {
          // Its own Terminating writes would otherwise wake it in a loop; its retries come from the queue.
          if (!needsCleanup(crd as CustomResourceDefinition)) return;
          if (deepEqual(withoutOwnWrites(old as CustomResourceDefinition), withoutOwnWrites(crd as CustomResourceDefinition))) return;
          ctx.enqueue(crd);
        },
      });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      let crd = await getCRD(ctx.client, key);
      if (!crd || !needsCleanup(crd)) return;
      const uid = crd.metadata.uid ?? '';
      const now = ctx.clock.now();
      // The condition first: the cleanup could take a while.
      if (!isConditionEquivalent(inProgress, findCondition(crd, 'Terminating'))) {
        setCustomResourceDefinitionCondition(crd, inProgress, now);
        const written = await updateCRDStatus(ctx.client, crd);
        if (written === 'gone') return;
        if (written === 'conflict') return { requeueAfter: 0 };
        crd = written;
      }
      let outcome: Outcome;
      if (overlappingBuiltIns.has(`${crd.spec.group}/${crd.spec.names.plural}`)) {
        outcome = { condition: terminating('False', 'OverlappingBuiltInResource', 'instances overlap with built-in resources in storage'), done: true };
      } else if (isConditionTrue(crd, 'Established')) {
        outcome = await deleteInstances(crd);
      } else {
        outcome = { condition: terminating('False', 'NeverEstablished', 'resource was never established'), done: true };
      }
      if (!outcome.done && outcome.condition === inProgress) {
        // Instances remain (finalizers, graceful deletion): look again as upstream's poll does, for up to a minute.
        const since = waitingSince.get(uid) ?? now;
        waitingSince.set(uid, since);
        if (now - since < pollTimeoutMs) return { requeueAfter: pollIntervalMs };
        waitingSince.delete(uid);
        outcome = { condition: terminating('True', 'InstanceDeletionCheck', 'could not confirm zero CustomResources remaining: context deadline exceeded'), done: false };
      }
      waitingSince.delete(uid);
      setCustomResourceDefinitionCondition(crd, outcome.condition, now);
      if (outcome.done) crd.metadata.finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== crdCleanupFinalizer);
      const written = await updateCRDStatus(ctx.client, crd);
      if (written === 'conflict') return { requeueAfter: 0 };
      // A failed attempt starts over, as upstream's rate-limited retry does.
      if (!outcome.done && written !== 'gone') return { requeueAfter: pollIntervalMs };
    },
  };
}
