// Maps a CRD to the Resources of its served versions: type facts, strategy, schema and the serving flags.
import type { SchemaNode } from '../../patch/schema-tree.js';
import { Resource } from '../resource.js';
import type { ResourceType, SubresourceType } from '../resource-table.js';
import type { CustomResourceDefinition, CustomResourceDefinitionNames, CustomResourceDefinitionVersion, JSONSchemaProps } from './crd-types.js';
import { customResourceStrategy } from './custom-resource-strategy.js';
import {
  defaultDeprecationWarning,
  isConditionTrue,
  isServable,
  storageVersionHash,
  storageVersionOf,
} from './custom-resource-versions.js';
import { customResourceSchema } from './schema/resource-schema.js';

/** The verbs every custom resource serves (routing; discovery words them in upstream's own order). */
const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const subresourceVerbs = ['get', 'patch', 'update'];

/** The names a CRD is served under: the accepted ones, as upstream's handler uses (the spec's until accepted). */
export function servedNames(crd: CustomResourceDefinition): CustomResourceDefinitionNames {
  const accepted = crd.status?.acceptedNames;
  return accepted?.plural && accepted.kind ? accepted : crd.spec.names;
}

function typeOf(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion): ResourceType {
  const names = servedNames(crd);
  const group = crd.spec.group;
  const subresources = new Map<string, SubresourceType>();
  if (version.subresources?.status) {
    subresources.set('status', { name: 'status', responseKind: { group, version: version.name, kind: names.kind }, verbs: subresourceVerbs });
  }
  if (version.subresources?.scale) {
    subresources.set('scale', { name: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: subresourceVerbs });
  }
  return {
    group,
    version: version.name,
    resource: names.plural,
    kind: names.kind,
    listKind: names.listKind || `${names.kind}List`,
    singularName: names.singular || names.kind.toLowerCase(),
    namespaced: crd.spec.scope === 'Namespaced',
    verbs,
    subresources,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    definition: undefined,
  };
}

/** The version's schema as the pipeline validates it; `preserveUnknownFields: true` CRDs keep unknown fields. */
function versionSchema(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion): JSONSchemaProps | undefined {
  const schema = version.schema?.openAPIV3Schema;
  if (!schema || !crd.spec.preserveUnknownFields) return schema;
  return { ...schema, 'x-kubernetes-preserve-unknown-fields': true };
}

/** The Resources of every served version, or none while the CRD's names are not accepted. */
export function customResourceVersions(crd: CustomResourceDefinition, objectMeta: () => SchemaNode): Resource[] {
  if (!isServable(crd)) return [];
  const storage = storageVersionOf(crd.spec);
  const hash = storageVersionHash(crd.spec.group, storage ?? '', crd.spec.names.kind);
  const established = isConditionTrue(crd, 'Established');
  const terminating = isConditionTrue(crd, 'Terminating');
  const resources: Resource[] = [];
  for (const version of crd.spec.versions) {
    if (!version.served) continue;
    const type = typeOf(crd, version);
    const schema = versionSchema(crd, version);
    const deprecationWarning = version.deprecated ? (version.deprecationWarning ?? defaultDeprecationWarning(version.name, crd.spec)) : undefined;
    resources.push(
      new Resource(
        type,
        customResourceStrategy(version, schema),
        { group: type.group, resource: type.resource },
        schema ? customResourceSchema(schema, objectMeta()) : undefined,
        { crdName: crd.metadata.name ?? '', established, terminating, deprecationWarning, storageVersionHash: hash },
      ),
    );
  }
  return resources;
}
