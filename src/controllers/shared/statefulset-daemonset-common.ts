// Machinery the StatefulSet and DaemonSet controllers share: claiming owned objects, slow-start batches, int-or-percent.
import type { InProcessClient } from '../../client/client.js';
import type { LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from './api-errors.js';
import { controllerRefTo, isPodReady } from './pod-util.js';
import { controllerOf, ownerKeyFor, type ControllerContext } from '../runtime/controller.js';
import type { SharedInformer } from '../runtime/informer.js';

/** The manager kube-controller-manager's writes are recorded under (client-go takes it from the user agent). */
export const fieldManager = 'kube-controller-manager';

/** utilerrors.NewAggregate's text: one error as itself, several as `[a, b]`. */
export function aggregateError(errs: unknown[]): Error {
  const messages = errs.map((e) => (e instanceof Error ? e.message : String(e)));
  const error = new Error(messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`);
  (error as Error & { errors: unknown[] }).errors = errs;
  return error;
}

/** Upstream's slowStartBatch: batches of 1, 2, 4… run at once, stopping after the first batch with a failure. */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: (index: number) => Promise<unknown>): Promise<void> {
  const maxBatchSize = 500;
  let next = 0;
  let remaining = count;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining, maxBatchSize)) {
    const indices = Array.from({ length: batch }, (_, i) => next + i);
    next += batch;
    const results = await Promise.allSettled(indices.map((i) => fn(i)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    if (failures.length > 0) throw aggregateError(failures);
    remaining -= batch;
  }
}

/** intstr.GetScaledValueFromIntOrPercent: an int as is, `N%` of `total` rounded up or down. */
export function scaledValueFromIntOrPercent(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) throw new Error('nil value for IntOrString');
  if (typeof value === 'number') return value;
  const match = /^(-?[0-9]+)%$/.exec(value);
  if (!match) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export interface ClaimOptions {
  client: InProcessClient;
  /** The controller as cached; its uid decides what it owns. */
  owner: KubeObject;
  /** The owner's plural resource, to re-read it before adopting. */
  ownerResource: string;
  selector: LabelSelector;
  /** A membership test beyond the selector (a StatefulSet claims only pods named after it). */
  filter?: (obj: KubeObject) => boolean;
  /** Where the claimed objects live, for the adopt and release patches. */
  apiVersion: string;
  resource: string;
}

/**
 * Upstream's ControllerRefManager claim: keeps what the owner controls and still matches, adopts matching orphans (after
 * re-reading the owner, as RecheckDeletionTimestamp does) and releases what it controls but no longer matches.
 */
export async function claimObjects(objects: KubeObject[], options: ClaimOptions): Promise<KubeObject[]> {
  const { owner } = options;
  const claimed: KubeObject[] = [];
  const errs: unknown[] = [];
  let adoptionCheck: Promise<void> | undefined;
  const matches = (obj: KubeObject) => options.selector.matches(obj.metadata.labels) && (options.filter?.(obj) ?? true);
  for (const obj of objects) {
    const ref = controllerOf(obj);
    try {
      if (ref) {
        if (ref.uid !== owner.metadata.uid) continue;
        if (matches(obj)) claimed.push(obj);
        else if (!owner.metadata.deletionTimestamp) await release(obj, options);
        continue;
      }
      if (owner.metadata.deletionTimestamp || !matches(obj) || obj.metadata.deletionTimestamp) continue;
      if (obj.metadata.namespace !== owner.metadata.namespace) continue;
      adoptionCheck ??= recheckOwner(options);
      try {
        await adoptionCheck;
      } catch (err) {
        throw new Error(`can't adopt ${obj.kind ?? 'object'} ${obj.metadata.namespace}/${obj.metadata.name} (${obj.metadata.uid}): ${(err as Error).message}`);
      }
      const adopted = await adopt(obj, options);
      if (adopted) claimed.push(adopted);
    } catch (err) {
      errs.push(err);
    }
  }
  if (errs.length > 0) throw aggregateError(errs);
  return claimed;
}

/** RecheckDeletionTimestamp: the owner, read afresh, must be the same object and not on its way out. */
export async function recheckOwner(options: Pick<ClaimOptions, 'client' | 'owner' | 'ownerResource'>): Promise<void> {
  const { owner } = options;
  const { namespace, name, uid } = owner.metadata;
  const fresh = await options.client.get(owner.apiVersion!, options.ownerResource, namespace, name!);
  if (fresh.metadata.uid !== uid) {
    throw new Error(`original ${owner.kind} ${namespace}/${name} is gone: got uid ${fresh.metadata.uid}, wanted ${uid}`);
  }
  if (fresh.metadata.deletionTimestamp) throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}

/** Adds the owner's controller reference to an orphan; undefined when the orphan is gone. */
export async function adopt(obj: KubeObject, options: Pick<ClaimOptions, 'client' | 'owner' | 'apiVersion' | 'resource'>): Promise<KubeObject | undefined> {
  const patch = { metadata: { ownerReferences: [controllerRefTo(options.owner)], uid: obj.metadata.uid } };
  try {
    return await options.client.patch(options.apiVersion, options.resource, obj.metadata.namespace, obj.metadata.name!, 'strategic', patch, { fieldManager });
  } catch (err) {
    // Gone since we listed it: nothing to adopt.
    if (errorCode(err) === 404) return undefined;
    throw err;
  }
}

async function release(obj: KubeObject, options: ClaimOptions): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: options.owner.metadata.uid }], uid: obj.metadata.uid } };
  try {
    await options.client.patch(options.apiVersion, options.resource, obj.metadata.namespace, obj.metadata.name!, 'strategic', patch, { fieldManager });
  } catch (err) {
    // Gone, or no longer ours: either way it is released.
    if (errorCode(err) === 404 || errorCode(err) === 422) return;
    throw err;
  }
}

/** The owners in `namespace` whose (non-empty) selector matches `labels`, as the GetPod*Sets listers find them. */
export function ownersSelecting(owners: KubeObject[], namespace: string | undefined, labels: Record<string, string> | undefined, selectorOf: (owner: KubeObject) => LabelSelector | undefined): KubeObject[] {
  if (!labels || Object.keys(labels).length === 0) return [];
  return owners.filter((owner) => {
    if (owner.metadata.namespace !== namespace) return false;
    const selector = selectorOf(owner);
    return selector !== undefined && !selector.empty && selector.matches(labels);
  });
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export interface PodUpdateRouting {
  ctx: ControllerContext;
  owners: SharedInformer;
  ownerKind: { apiVersion: string; kind: string };
  minReadySecondsOf(owner: KubeObject): number;
  /** Wakes whoever might adopt an orphan. */
  enqueueSelecting(pod: KubeObject): void;
}

/**
 * The updatePod handler both controllers share: wakes the old owner when the controller reference moved, and the
 * current one, again after minReadySeconds (and a second for clock skew) when the pod just became Ready, so its
 * availability is counted; an orphan whose labels or reference changed wakes the owners that might adopt it.
 */
export function routePodUpdate(routing: PodUpdateRouting, oldPod: KubeObject, pod: KubeObject): void {
  const { ctx, owners, ownerKind } = routing;
  const oldRef = controllerOf(oldPod);
  const ref = controllerOf(pod);
  const refChanged = !sameJson(oldRef, ref);
  if (refChanged && oldRef) ctx.enqueueOwner(oldPod, ownerKind, owners);
  if (!ref) {
    if (refChanged || !sameJson(oldPod.metadata.labels, pod.metadata.labels)) routing.enqueueSelecting(pod);
    return;
  }
  const key = ownerKeyFor(pod, ownerKind, owners);
  if (key === undefined) return;
  ctx.queue.add(key);
  const minReadySeconds = routing.minReadySecondsOf(owners.get(key)!);
  if (!isPodReady(oldPod) && isPodReady(pod) && minReadySeconds > 0) ctx.queue.addAfter(key, (minReadySeconds + 1) * 1000);
}
