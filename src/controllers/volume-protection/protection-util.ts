// Upstream's protectionutil: when a protection controller adds its finalizer, and when it may take it away.
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';

/** Being deleted and still held by the finalizer: the controller decides whether to let it go. */
export function isDeletionCandidate(obj: KubeObject, finalizer: string): boolean {
  return !!obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(finalizer);
}

/** Not being deleted and missing the finalizer (created before admission added it, or it was stripped). */
export function needToAddFinalizer(obj: KubeObject, finalizer: string): boolean {
  return !obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).includes(finalizer);
}

/**
 * Writes the object back with the finalizer added or removed. A conflict is dropped: it means the object changed,
 * and that change's event brings it back to the controller if it still needs the finalizer handled.
 */
export async function setFinalizer(
  client: InProcessClient,
  resource: 'persistentvolumes' | 'persistentvolumeclaims',
  obj: KubeObject,
  finalizer: string,
  present: boolean,
): Promise<void> {
  const clone = structuredClone(obj);
  const others = (clone.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  clone.metadata.finalizers = present ? [...others, finalizer] : others;
  try {
    await client.update('v1', resource, clone.metadata.namespace, clone);
  } catch (err) {
    if (errorCode(err) !== 409 && errorCode(err) !== 404) throw err;
  }
}
