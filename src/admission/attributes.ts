// One write as the admission matchers see it (upstream admission.Attributes): resource, kind, scope and objects.
import type { KubeObject } from '../meta/types.js';
import type { AdmissionOperation, AdmissionRequest, AdmissionUser } from '../registry/admission.js';
import type { Resource } from '../registry/resource.js';

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface Attributes {
  operation: AdmissionOperation;
  /** The request's namespace; '' for cluster-scoped objects. A namespace's own name for writes to an existing namespace. */
  namespace: string;
  name: string;
  /** '' for the main resource. */
  subresource: string;
  resource: GroupVersionResource;
  kind: GroupVersionKind;
  /** The object being written, shared with the pipeline: mutation replaces its content in place. */
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  dryRun: boolean;
  options: Record<string, unknown>;
  userInfo: AdmissionUser;
  warnings: string[] | undefined;
  /** The served resource written to. */
  served: Resource;
}

export function attributesOf(request: AdmissionRequest): Attributes {
  const type = request.resource.type;
  const subresource = request.subresource ?? '';
  return {
    operation: request.operation,
    namespace: namespaceOf(request),
    name: request.name,
    subresource,
    resource: { group: type.group, version: type.version, resource: type.resource },
    kind: kindOf(request.resource, subresource),
    object: request.object,
    oldObject: request.oldObject,
    dryRun: request.dryRun,
    options: request.options,
    userInfo: request.userInfo,
    warnings: request.warnings,
    served: request.resource,
  };
}

/** The kind a subresource accepts (autoscaling/v1 Scale for scale), else the resource's own kind. */
export function kindOf(resource: Resource, subresource: string): GroupVersionKind {
  const type = resource.type;
  const sub = subresource ? type.subresources.get(subresource) : undefined;
  if (sub) return { ...sub.responseKind };
  return { group: type.group, version: type.version, kind: type.kind };
}

/**
 * Upstream takes the namespace from the URL, and `/api/v1/namespaces/<name>` puts the namespace's own name there:
 * every write to an existing namespace carries it, while creating one (POST to the collection) carries none.
 */
function namespaceOf(request: AdmissionRequest): string {
  if (isNamespaceResource(request.resource.type) && request.operation !== 'CREATE') return request.name;
  return request.namespace ?? '';
}

export function isNamespaceResource(resource: { group: string; resource: string }): boolean {
  return resource.group === '' && resource.resource === 'namespaces';
}

const configurationKinds = new Set([
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
]);

/** Admission configuration is never subject to webhooks or policies, so a bad one cannot lock itself in. */
export function isExemptConfigurationResource(attributes: Attributes): boolean {
  return attributes.kind.group === 'admissionregistration.k8s.io' && configurationKinds.has(attributes.kind.kind);
}

export function groupVersionKindString(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;
}
