// What the apiextensions controllers share: reading CRDs fresh, writing their status, and condition helpers.
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import {
  crdApiVersion,
  type CustomResourceDefinition,
  type CustomResourceDefinitionCondition,
} from '../../registry/crd/crd-types.js';
import { errorCode } from '../shared/api-errors.js';

export const crdResource = 'customresourcedefinitions';
/** These controllers run in the apiserver over its loopback client, whose user agent names the manager. */
const fieldManager = 'kube-apiserver';

export type Condition = Pick<CustomResourceDefinitionCondition, 'type' | 'status' | 'reason' | 'message'>;

/** The CRD as stored now (not an informer's possibly older copy), or undefined once it is gone. */
export async function getCRD(client: InProcessClient, name: string): Promise<CustomResourceDefinition | undefined> {
  try {
    return (await client.get(crdApiVersion, crdResource, undefined, name)) as CustomResourceDefinition;
  } catch (err) {
    if (errorCode(err) === 404) return undefined;
    throw err;
  }
}

/** Every CRD as stored now. */
export async function listCRDs(client: InProcessClient): Promise<CustomResourceDefinition[]> {
  return (await client.list(crdApiVersion, crdResource)).items as CustomResourceDefinition[];
}

/**
 * UpdateStatus as upstream's controllers call it, answering the stored result; 'gone' or 'conflict' are not failures
 * (the CRD was deleted or changed meanwhile, and the controller looks again).
 */
export async function updateCRDStatus(client: InProcessClient, crd: CustomResourceDefinition): Promise<CustomResourceDefinition | 'gone' | 'conflict'> {
  try {
    return (await client.update(crdApiVersion, crdResource, undefined, crd as KubeObject, { subresource: 'status', fieldManager })) as CustomResourceDefinition;
  } catch (err) {
    const code = errorCode(err);
    if (code === 404) return 'gone';
    if (code === 409) return 'conflict';
    throw err;
  }
}

export function findCondition(crd: CustomResourceDefinition, type: string): CustomResourceDefinitionCondition | undefined {
  return (crd.status?.conditions ?? []).find((c) => c.type === type);
}

export function isConditionTrue(crd: CustomResourceDefinition, type: string): boolean {
  return findCondition(crd, type)?.status === 'True';
}

/** upstream IsCRDConditionEquivalent: the same but for the transition time. */
export function isConditionEquivalent(a: Condition | undefined, b: Condition | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && a.status === b.status && (a.reason ?? '') === (b.reason ?? '') && (a.message ?? '') === (b.message ?? '');
}

export function hasFinalizer(crd: CustomResourceDefinition, finalizer: string): boolean {
  return (crd.metadata.finalizers ?? []).includes(finalizer);
}
