// The kubelet's node Lease in kube-node-lease: created with an owner reference to its Node, renewed on the clock.
import type { InProcessClient } from '../client/client.js';
import { errorCode } from '../controllers/shared/api-errors.js';
import type { KubeObject } from '../meta/types.js';

export const nodeLeaseNamespace = 'kube-node-lease';
/** The kubelet's nodeLeaseDurationSeconds default. */
export const nodeLeaseDurationSeconds = 40;
/** renewInterval = leaseDuration × NodeLeaseRenewIntervalFraction (0.25): 10 s. */
export const nodeLeaseRenewIntervalMs = nodeLeaseDurationSeconds * 1000 * 0.25;
const leaseApiVersion = 'coordination.k8s.io/v1';

/** metav1.MicroTime's text: RFC 3339 with six fraction digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Renews one node's Lease as the lease controller's sync does: update the lease it last wrote (no GET in the common
 * case), and on any failure fall back to get-or-create. Returns the lease now stored, for the next renewal.
 */
export async function renewNodeLease(
  client: InProcessClient,
  node: KubeObject,
  latest: KubeObject | undefined,
  now: number,
  fieldManager: string,
): Promise<KubeObject> {
  const nodeName = node.metadata.name!;
  // Shallow copies are enough: the client copies what it is handed.
  const renewed = (base: KubeObject): KubeObject => {
    const lease: KubeObject = { ...base, metadata: { ...base.metadata }, spec: { ...(base.spec as object), renewTime: microTime(now) } };
    // The owner reference is retried on every renewal until it is set, as the kubelet's SetNodeOwnerFunc does.
    if (!lease.metadata.ownerReferences?.length) lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid! }];
    return lease;
  };
  if (latest) {
    try {
      return await client.update(leaseApiVersion, 'leases', nodeLeaseNamespace, renewed(latest), { fieldManager });
    } catch (err) {
      if (errorCode(err) !== 409 && errorCode(err) !== 404) throw err;
    }
  }
  let existing: KubeObject;
  try {
    existing = await client.get(leaseApiVersion, 'leases', nodeLeaseNamespace, nodeName);
  } catch (err) {
    if (errorCode(err) !== 404) throw err;
    const lease: KubeObject = {
      apiVersion: leaseApiVersion,
      kind: 'Lease',
      metadata: { name: nodeName, namespace: nodeLeaseNamespace },
      spec: { holderIdentity: nodeName, leaseDurationSeconds: nodeLeaseDurationSeconds },
    };
    return await client.create(leaseApiVersion, 'leases', nodeLeaseNamespace, renewed(lease), { fieldManager });
  }
  return await client.update(leaseApiVersion, 'leases', nodeLeaseNamespace, renewed(existing), { fieldManager });
}
