// Test fixtures: served resources and admission requests built without a cluster, for the matcher tables.
import type { KubeObject } from '../meta/types.js';
import { defaultAdmissionUser, type AdmissionOperation } from '../registry/admission.js';
import { Resource } from '../registry/resource.js';
import type { ResourceType, SubresourceType } from '../registry/resource-table.js';
import { attributesOf, type Attributes } from './attributes.js';

export function fakeResource(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  options: { subresources?: string[]; storage?: { group: string; resource: string } } = {},
): Resource {
  const subresources = new Map<string, SubresourceType>();
  for (const name of options.subresources ?? []) {
    const responseKind = name === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group, version, kind };
    subresources.set(name, { name, responseKind, verbs: ['get', 'patch', 'update'] });
  }
  const type: ResourceType = {
    group,
    version,
    resource,
    kind,
    listKind: `${kind}List`,
    singularName: kind.toLowerCase(),
    namespaced,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources,
    shortNames: [],
    categories: [],
    definition: undefined,
  };
  return new Resource(type, {}, options.storage ?? { group, resource });
}

export const pods = fakeResource('', 'v1', 'pods', 'Pod', true, { subresources: ['status', 'binding'] });
export const namespacesResource = fakeResource('', 'v1', 'namespaces', 'Namespace', false, { subresources: ['status', 'finalize'] });
export const deployments = fakeResource('apps', 'v1', 'deployments', 'Deployment', true, { subresources: ['status', 'scale'] });
export const nodes = fakeResource('', 'v1', 'nodes', 'Node', false);
export const coreEvents = fakeResource('', 'v1', 'events', 'Event', true);
export const newEvents = fakeResource('events.k8s.io', 'v1', 'events', 'Event', true, { storage: { group: '', resource: 'events' } });

export interface FakeWrite {
  operation?: AdmissionOperation;
  resource?: Resource;
  subresource?: string;
  namespace?: string;
  name?: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun?: boolean;
}

export function fakeAttributes(write: FakeWrite = {}): Attributes {
  const resource = write.resource ?? pods;
  return attributesOf({
    operation: write.operation ?? 'CREATE',
    resource,
    subresource: write.subresource,
    namespace: resource.namespaced ? (write.namespace ?? 'default') : undefined,
    name: write.name ?? 'example',
    object: write.object,
    oldObject: write.oldObject,
    dryRun: write.dryRun ?? false,
    options: {},
    userInfo: defaultAdmissionUser,
    warnings: [],
  });
}

export function labelled(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels } };
}
