// Helpers for the CRD OpenAPI end-to-end suites: a Widget CRD to install, made Established, and removed again.
import type { TestCluster } from '../helpers.js';
import type { CustomResourceDefinition } from '../../src/registry/crd/crd-types.js';

const CRDS = 'customresourcedefinitions';
const CRD_API = 'apiextensions.k8s.io/v1';

export function widgetDefinition(description = 'Widget is a thing with gears.'): CustomResourceDefinition {
  return {
    apiVersion: CRD_API,
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description,
            properties: {
              spec: {
                type: 'object',
                description: 'WidgetSpec describes how the widget turns.',
                properties: {
                  size: { type: 'integer', description: 'Number of gears in the widget.' },
                  color: { type: 'string', description: 'Paint colour of the widget.' },
                  replicas: { type: 'integer', description: 'How many widgets to run.' },
                },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' } } },
            },
          },
        },
      }],
    },
  };
}

/** Polls `check` until it holds (the registry picks CRDs up from the store asynchronously). */
export async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const established = (crd: CustomResourceDefinition): boolean =>
  (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');

/** Creates (or replaces the spec of) the CRD and makes sure it is Established, writing the status itself when no controller does. */
export async function installEstablished(cluster: TestCluster, crd: CustomResourceDefinition): Promise<void> {
  let stored: CustomResourceDefinition;
  try {
    const existing = (await cluster.client.get(CRD_API, CRDS, undefined, crd.metadata.name!)) as CustomResourceDefinition;
    stored = (await cluster.client.update(CRD_API, CRDS, undefined, { ...existing, spec: crd.spec } as never)) as CustomResourceDefinition;
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
    stored = (await cluster.client.create(CRD_API, CRDS, undefined, crd as never)) as CustomResourceDefinition;
  }
  await cluster.settle();
  stored = (await cluster.client.get(CRD_API, CRDS, undefined, crd.metadata.name!)) as CustomResourceDefinition;
  if (!established(stored)) {
    const conditions = [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ];
    const status = { ...stored.status, conditions, acceptedNames: crd.spec.names, storedVersions: ['v1'] };
    await cluster.client.update(CRD_API, CRDS, undefined, { ...stored, status } as never, { subresource: 'status' });
  }
}

/** Deletes the CRD, clearing the cleanup finalizer if no controller is there to do it. */
export async function uninstall(cluster: TestCluster, name: string): Promise<void> {
  await cluster.client.delete(CRD_API, CRDS, undefined, name);
  await cluster.settle();
  try {
    const left = (await cluster.client.get(CRD_API, CRDS, undefined, name)) as CustomResourceDefinition;
    await cluster.client.update(CRD_API, CRDS, undefined, { ...left, metadata: { ...left.metadata, finalizers: [] } } as never);
  } catch (err) {
    if ((err as { code?: number }).code !== 404) throw err;
  }
}
