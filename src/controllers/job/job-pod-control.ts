// The job controller's pod writes: create, delete and finalizer patches with their Events, and adopting/releasing pods.
import type { KubeObject } from '../../meta/types.js';
import { labelSelectorFromObject } from '../../meta/label-selector.js';
import type { ControllerContext } from '../runtime/index.js';
import { namespaceTerminating } from '../shared/api-errors.js';
import { controllerOf } from '../runtime/index.js';
import { controllerFieldManager, hasJobTrackingFinalizer, jobSpec, jobTrackingFinalizer } from './job-util.js';

type ApiErrorLike = { code?: number; message?: string; details?: { causes?: { reason?: string }[] } };

export function isNotFound(err: unknown): boolean {
  return (err as ApiErrorLike)?.code === 404;
}

function errorText(err: unknown): string {
  return (err as ApiErrorLike)?.message ?? String(err);
}

/** The controller reference a Job puts on its pods. */
export function jobControllerRef(job: KubeObject) {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name!, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** Upstream RealPodControl.CreatePods: a pod without labels is refused, and every outcome is recorded as an Event. */
export async function createJobPod(ctx: ControllerContext, job: KubeObject, pod: KubeObject): Promise<KubeObject> {
  if (Object.keys(pod.metadata.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
  try {
    const created = await ctx.client.create('v1', 'pods', job.metadata.namespace, pod, controllerFieldManager);
    ctx.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    return created;
  } catch (err) {
    if (!namespaceTerminating(err)) ctx.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorText(err)}`);
    throw err;
  }
}

export async function deleteJobPod(ctx: ControllerContext, job: KubeObject, pod: KubeObject): Promise<void> {
  try {
    await ctx.client.delete('v1', 'pods', pod.metadata.namespace, pod.metadata.name!);
  } catch (err) {
    if (!isNotFound(err)) ctx.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errorText(err)}`);
    throw err;
  }
  ctx.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
}

/** Removes only the tracking finalizer, leaving any other finalizers of the pod alone. */
export async function removeTrackingFinalizer(ctx: ControllerContext, pod: KubeObject): Promise<void> {
  if (!hasJobTrackingFinalizer(pod)) return;
  await ctx.client.patch('v1', 'pods', pod.metadata.namespace, pod.metadata.name!, 'strategic', {
    metadata: { [`$deleteFromPrimitiveList/finalizers`]: [jobTrackingFinalizer] },
  }, controllerFieldManager);
}

/**
 * Upstream getPodsForJob / PodControllerRefManager.ClaimPods: keeps the pods this Job controls and still selects,
 * releases those it no longer selects, and adopts matching orphans (adding the tracking finalizer), after checking
 * with a fresh read that the Job is not being deleted. Adopted pods are returned with the finalizer already on.
 */
export async function claimJobPods(ctx: ControllerContext, job: KubeObject, pods: KubeObject[]): Promise<KubeObject[]> {
  const selector = labelSelectorFromObject(jobSpec(job).selector);
  const uid = job.metadata.uid;
  const claimed: KubeObject[] = [];
  let canAdopt: Promise<void> | undefined;
  const errors: unknown[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    const matches = selector.matches(pod.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        claimed.push(pod);
        continue;
      }
      if (job.metadata.deletionTimestamp) continue;
      try {
        await releasePod(ctx, job, pod);
      } catch (err) {
        if (!isNotFound(err)) errors.push(err);
      }
      continue;
    }
    if (job.metadata.deletionTimestamp || !matches || pod.metadata.deletionTimestamp) continue;
    if (pod.metadata.namespace !== job.metadata.namespace) continue;
    try {
      canAdopt ??= recheckJobNotDeleted(ctx, job);
      await canAdopt;
      await ctx.client.patch('v1', 'pods', pod.metadata.namespace, pod.metadata.name!, 'strategic', {
        metadata: { ownerReferences: [jobControllerRef(job)], uid: pod.metadata.uid, finalizers: [jobTrackingFinalizer] },
      }, controllerFieldManager);
      const adopted = structuredClone(pod);
      adopted.metadata.ownerReferences = [...(pod.metadata.ownerReferences ?? []), jobControllerRef(job)];
      if (!hasJobTrackingFinalizer(adopted)) adopted.metadata.finalizers = [...(adopted.metadata.finalizers ?? []), jobTrackingFinalizer];
      claimed.push(adopted);
    } catch (err) {
      if (!isNotFound(err)) errors.push(err);
    }
  }
  if (errors.length > 0) throw errors[0];
  return claimed;
}

async function releasePod(ctx: ControllerContext, job: KubeObject, pod: KubeObject): Promise<void> {
  await ctx.client.patch('v1', 'pods', pod.metadata.namespace, pod.metadata.name!, 'strategic', {
    metadata: {
      ownerReferences: [{ $patch: 'delete', uid: job.metadata.uid }],
      uid: pod.metadata.uid,
      [`$deleteFromPrimitiveList/finalizers`]: [jobTrackingFinalizer],
    },
  }, controllerFieldManager);
}

/** Upstream RecheckDeletionTimestamp: adopting for a Job that is gone or going would leak the pod to it. */
async function recheckJobNotDeleted(ctx: ControllerContext, job: KubeObject): Promise<void> {
  const fresh = await ctx.client.get('batch/v1', 'jobs', job.metadata.namespace, job.metadata.name!);
  if (fresh.metadata.uid !== job.metadata.uid) {
    throw new Error(`original Job ${job.metadata.namespace}/${job.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${job.metadata.uid}`);
  }
  if (fresh.metadata.deletionTimestamp) {
    throw new Error(`${job.metadata.namespace}/${job.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }
}
