// CustomResourceDefinitions the CRD OpenAPI tests publish: a namespaced kind with two versions and subresources, and a cluster-scoped one.
import type { CustomResourceDefinition, JSONSchemaProps } from '../registry/crd/crd-types.js';

const widgetSchema: JSONSchemaProps = {
  type: 'object',
  description: 'Widget is a thing with gears.',
  properties: {
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } },
    spec: {
      type: 'object',
      description: 'WidgetSpec describes how the widget turns.',
      required: ['size', 'note'],
      properties: {
        size: { type: 'integer', description: 'Number of gears in the widget.', minimum: 1, default: 3 },
        color: { type: 'string', description: 'Paint colour.', enum: ['red', 'blue'] },
        port: { 'x-kubernetes-int-or-string': true, description: 'Port by number or name.' },
        note: { type: 'string', nullable: true, description: 'Free text; may be null.' },
        shape: { type: 'string', oneOf: [{ pattern: '^round' }, { pattern: '^square' }] },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        replicas: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0', message: 'must not be negative' }] },
      },
    },
    status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
  },
};

const established = { conditions: [{ type: 'Established', status: 'True' as const }, { type: 'NamesAccepted', status: 'True' as const }] };

export function widgetCrd(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com', uid: 'uid-widgets', generation: 1 },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: structuredClone(widgetSchema) },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          selectableFields: [{ jsonPath: '.spec.color' }],
        },
        {
          name: 'v1beta1',
          served: true,
          storage: false,
          deprecated: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', description: 'Old spec.', properties: { size: { type: 'integer' } } } } } },
        },
        { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
    status: structuredClone(established),
  };
}

export function gizmoCrd(): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gizmos.example.com', uid: 'uid-gizmos', generation: 1 },
    spec: {
      group: 'example.com',
      scope: 'Cluster',
      names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', description: 'Gizmo settings.', properties: { level: { type: 'integer' } } } } } },
          subresources: { status: {} },
        },
      ],
    },
    status: structuredClone(established),
  };
}
