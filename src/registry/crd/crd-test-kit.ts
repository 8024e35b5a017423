// Test helpers for custom resources: CRD fixtures and establishing a CRD when no controller does it.
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from './crd-types.js';

export const crdApi = 'apiextensions.k8s.io/v1';

/** A namespaced `widgets.example.com` CRD; versions default to one served storage v1 with status and scale. */
export function widgetCrd(versions?: CustomResourceDefinitionVersion[], group = 'example.com'): CustomResourceDefinition {
  return {
    apiVersion: crdApi,
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'], categories: ['all'] },
      versions: versions ?? [widgetVersion('v1')],
    },
  };
}

export function widgetVersion(name: string, extra: Partial<CustomResourceDefinitionVersion> = {}): CustomResourceDefinitionVersion {
  return {
    name,
    served: true,
    storage: true,
    schema: {
      openAPIV3Schema: {
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              color: { type: 'string', default: 'blue' },
              size: { type: 'integer' },
              replicas: { type: 'integer' },
              selector: { type: 'string' },
            },
          },
          status: {
            type: 'object',
            properties: {
              replicas: { type: 'integer' },
              labelSelector: { type: 'string' },
              conditions: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } } },
            },
          },
        },
      },
    },
    subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.labelSelector' } },
    ...extra,
  };
}

/**
 * Creates the CRD and waits until it is Established. Until the CRD controllers run in every cluster, the conditions
 * are written here when the cluster has not set them (and writing them is harmless once it does).
 */
export async function installCrd(client: InProcessClient, crd: CustomResourceDefinition, settle: () => Promise<void>, conditions = ['NamesAccepted', 'Established']): Promise<CustomResourceDefinition> {
  await client.create(crdApi, 'customresourcedefinitions', undefined, crd);
  await settle();
  return setConditions(client, crd.metadata.name!, conditions);
}

/** Sets the CRD's conditions (True) and accepted names, as the CRD controllers would. */
export async function setConditions(client: InProcessClient, name: string, trueConditions: string[]): Promise<CustomResourceDefinition> {
  const stored = (await client.get(crdApi, 'customresourcedefinitions', undefined, name)) as CustomResourceDefinition;
  const status = (stored.status ?? {}) as NonNullable<CustomResourceDefinition['status']>;
  const others = (status.conditions ?? []).filter((c) => !trueConditions.includes(c.type));
  const conditions = [
    ...others,
    ...trueConditions.map((type) => ({ type, status: 'True' as const, reason: type, message: '', lastTransitionTime: '2024-01-01T00:00:00Z' })),
  ];
  const body = { ...stored, status: { ...status, acceptedNames: status.acceptedNames?.plural ? status.acceptedNames : stored.spec.names, conditions } } as KubeObject;
  return (await client.update(crdApi, 'customresourcedefinitions', undefined, body, { subresource: 'status' })) as CustomResourceDefinition;
}
