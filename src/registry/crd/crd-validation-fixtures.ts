// Test fixtures for CRD validation: a valid CRD to mutate, and its causes as `field: message` lines.
import type { KubeObject } from '../../meta/types.js';
import type { CustomResourceDefinition, JSONSchemaProps } from './crd-types.js';
import { customResourceDefinitionStrategy } from './crd-strategy.js';

export const widgetSchema = (): JSONSchemaProps => ({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: { replicas: { type: 'integer' }, name: { type: 'string' }, tags: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' } } },
  },
});

/** A valid CRD (widgets.example.com); `mutate` changes it, and its name follows plural.group unless set there. */
export function widgetCRD(mutate?: (crd: CustomResourceDefinition) => void): CustomResourceDefinition {
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {},
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: widgetSchema() } }],
    },
  };
  mutate?.(crd);
  crd.metadata.name ??= `${crd.spec.names?.plural ?? ''}.${crd.spec.group ?? ''}`;
  return crd;
}

const strategy = customResourceDefinitionStrategy();
const lines = (causes: { field?: string; message?: string }[]) => causes.map((c) => `${c.field}: ${c.message}`);

/** What a create reports: defaults and create preparation first, as the registry runs them. */
export function createProblems(crd: CustomResourceDefinition): string[] {
  const object = structuredClone(crd) as KubeObject;
  strategy.applyDefaults!(object);
  strategy.prepareForCreate!(object, { now: 0 });
  return lines(strategy.validate!(object));
}

/** What an update of `old` (as stored after a create) to `next` reports. */
export function updateProblems(old: CustomResourceDefinition, next: CustomResourceDefinition): string[] {
  const object = structuredClone(next) as KubeObject;
  strategy.applyDefaults!(object);
  object.status = structuredClone(old.status);
  strategy.prepareForUpdate!(object, old, { now: 0 });
  return lines(strategy.validate!(object, old));
}

/** The CRD as a create would store it, optionally with conditions (e.g. Established). */
export function stored(crd: CustomResourceDefinition, conditions: string[] = []): CustomResourceDefinition {
  const object = structuredClone(crd) as KubeObject;
  strategy.applyDefaults!(object);
  strategy.prepareForCreate!(object, { now: 0 });
  const result = object as CustomResourceDefinition;
  result.status!.conditions = conditions.map((type) => ({ type, status: 'True' }));
  return result;
}

/** Shortcut to the schema of the first version. */
export function schemaOf(crd: CustomResourceDefinition, version = 0): JSONSchemaProps {
  return crd.spec.versions[version]!.schema!.openAPIV3Schema!;
}
