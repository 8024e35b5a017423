// The one list of built-in resources: the table derived from the OpenAPI document, each with its strategy.
import type { OpenAPIV2 } from 'openapi-types';
import { conversions } from './conversion/index.js';
import type { ServedConversion } from './registry.js';
import { schemaTree, type SchemaNode } from '../patch/schema-tree.js';
import { Resource, type ResourceSchema } from './resource.js';
import { compileTypeChecker, unknownFields } from './schema/typed-decode.js';
import { buildResourceTable, type DiscoveryExtras, type ResourceType } from './resource-table.js';
import type { Strategy } from './strategy.js';
import * as apis from './strategies/cluster-apis.js';
import * as core from './strategies/core.js';
import { podStrategy } from './strategies/pods.js';
import { customResourceDefinitionStrategy } from './crd/crd-strategy.js';
import * as reviews from './strategies/reviews.js';
import * as workloads from './strategies/workloads.js';

/**
 * Strategy factories by `group/resource` (or `group/version/resource` where versions differ). A factory runs once per
 * cluster, so per-cluster state (IP allocation) stays isolated. Resources not listed use the generic strategy.
 */
const strategies: Record<string, () => Strategy> = {
  '/pods': podStrategy,
  '/namespaces': core.namespaceStrategy,
  '/services': core.serviceStrategy,
  '/nodes': core.nodeStrategy,
  '/events': core.eventStrategy,
  '/secrets': core.secretStrategy,
  '/configmaps': core.configMapStrategy,
  '/serviceaccounts': core.serviceAccountStrategy,
  '/endpoints': core.endpointsStrategy,
  '/persistentvolumes': core.persistentVolumeStrategy,
  '/persistentvolumeclaims': core.persistentVolumeClaimStrategy,
  '/replicationcontrollers': core.replicationControllerStrategy,
  '/podtemplates': core.podTemplateStrategy,
  '/limitranges': core.limitRangeStrategy,
  'apps/deployments': workloads.deploymentStrategy,
  'apps/replicasets': workloads.replicaSetStrategy,
  'apps/statefulsets': workloads.statefulSetStrategy,
  'apps/daemonsets': workloads.daemonSetStrategy,
  'batch/jobs': workloads.jobStrategy,
  'batch/cronjobs': workloads.cronJobStrategy,
  'autoscaling/v1/horizontalpodautoscalers': apis.hpaV1Strategy,
  'autoscaling/v2/horizontalpodautoscalers': apis.hpaV2Strategy,
  'events.k8s.io/events': core.eventsV1Strategy,
  'networking.k8s.io/ingresses': apis.ingressStrategy,
  'networking.k8s.io/ingressclasses': apis.ingressClassStrategy,
  'networking.k8s.io/networkpolicies': apis.networkPolicyStrategy,
  'policy/poddisruptionbudgets': apis.podDisruptionBudgetStrategy,
  'rbac.authorization.k8s.io/roles': apis.rbacStrategy,
  'rbac.authorization.k8s.io/clusterroles': apis.rbacStrategy,
  'rbac.authorization.k8s.io/rolebindings': apis.roleBindingStrategy,
  'rbac.authorization.k8s.io/clusterrolebindings': apis.roleBindingStrategy,
  'discovery.k8s.io/endpointslices': apis.endpointSliceStrategy,
  'storage.k8s.io/storageclasses': apis.storageClassStrategy,
  'scheduling.k8s.io/priorityclasses': apis.priorityClassStrategy,
  'node.k8s.io/runtimeclasses': apis.runtimeClassStrategy,
  'apiextensions.k8s.io/customresourcedefinitions': customResourceDefinitionStrategy,
  'admissionregistration.k8s.io/validatingadmissionpolicies': apis.generationTrackingStrategy,
  'admissionregistration.k8s.io/mutatingadmissionpolicies': apis.generationTrackingStrategy,
  'authorization.k8s.io/selfsubjectaccessreviews': reviews.accessReviewStrategy,
  'authorization.k8s.io/subjectaccessreviews': reviews.accessReviewStrategy,
  'authorization.k8s.io/localsubjectaccessreviews': reviews.accessReviewStrategy,
  'authorization.k8s.io/selfsubjectrulesreviews': reviews.rulesReviewStrategy,
  'authentication.k8s.io/tokenreviews': reviews.tokenReviewStrategy,
  'authentication.k8s.io/selfsubjectreviews': reviews.selfSubjectReviewStrategy,
};

let cachedTable: { swagger: OpenAPIV2.Document; types: ResourceType[] } | undefined;

/** The resource table, derived once per process per document (it is immutable, so clusters share it). */
export function builtinTypes(swagger: OpenAPIV2.Document, extras: DiscoveryExtras): ResourceType[] {
  if (cachedTable?.swagger !== swagger) cachedTable = { swagger, types: buildResourceTable(swagger, extras) };
  return cachedTable.types;
}

/** A kind's schema views, each compiled on first use so start-up does not pay for kinds a test never touches. */
function builtinSchema(swagger: OpenAPIV2.Document, definition: string | undefined): ResourceSchema | undefined {
  const definitions = swagger.definitions as Record<string, unknown> | undefined;
  if (!definition || !definitions?.[definition]) return undefined;
  let checker: ReturnType<typeof compileTypeChecker> | undefined;
  let node: SchemaNode | undefined;
  return {
    typeCheck: (object) => (checker ??= compileTypeChecker(definitions, definition))(object),
    unknownFields: (object) => unknownFields(definitions, definition, object),
    node: () => (node ??= schemaTree(definitions).root(definition)!),
  };
}

export interface BuiltinApi {
  resources: Resource[];
  /** Served versions stored as another version (autoscaling/v1 HPAs as v2, events.k8s.io Events as core Events). */
  conversions: ServedConversion[];
}

/** Fresh Resource objects (with fresh strategies) for one cluster. */
export function builtinApi(swagger: OpenAPIV2.Document, extras: DiscoveryExtras): BuiltinApi {
  const resources = builtinTypes(swagger, extras).map((type) => {
    const factory = strategies[`${type.group}/${type.version}/${type.resource}`] ?? strategies[`${type.group}/${type.resource}`];
    return new Resource(type, factory ? factory() : {}, { group: type.group, resource: type.resource }, builtinSchema(swagger, type.definition));
  });
  const find = (group: string, version: string, resource: string) =>
    resources.find((r) => r.type.group === group && r.type.version === version && r.type.resource === resource);
  const served: ServedConversion[] = [];
  for (const [key, conversion] of Object.entries(conversions)) {
    const [group, version, resource] = key.split('/') as [string, string, string];
    const from = find(group, version, resource);
    const storage = find(conversion.storageGroup, conversion.storageVersion, conversion.storageResource);
    if (from && storage) served.push({ served: from, storage, conversion });
  }
  return { resources, conversions: served };
}
