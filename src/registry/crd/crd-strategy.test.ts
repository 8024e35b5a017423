// The CRD strategy through a cluster's registry: create status, generation, storedVersions, /status, table and delete.
import { startCluster, type Cluster } from '../../cluster.js';
import type { InProcessClient } from '../../client/client.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import type { KubeObject } from '../../meta/types.js';
import { customResourceDefinitionStrategy } from './crd-strategy.js';
import { crdCleanupFinalizer, type CustomResourceDefinition } from './crd-types.js';
import { widgetCRD, widgetSchema } from './crd-validation-fixtures.js';

let cluster: Cluster;
let client: InProcessClient;
const api = 'apiextensions.k8s.io/v1';
const crds = 'customresourcedefinitions';

beforeEach(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0, clock: new VirtualClock(Date.parse('2024-05-01T10:00:00Z')) });
  // What is seen here is the registry's doing alone: even the apiserver's own CRD controllers are stopped.
  cluster.controllers.stop();
  client = cluster.client;
});
afterEach(() => cluster.close());

const get = async (name = 'widgets.example.com') => (await client.get(api, crds, undefined, name)) as CustomResourceDefinition;
const create = async (crd: CustomResourceDefinition) => (await client.create(api, crds, undefined, crd as KubeObject)) as CustomResourceDefinition;

test('a create defaults the names and conversion, and starts the status from the storage version', async () => {
  const created = await create(
    widgetCRD((c) => {
      c.spec.names = { plural: 'widgets', kind: 'Widget' };
      (c as KubeObject).status = { acceptedNames: { plural: 'widgets', kind: 'Widget' }, storedVersions: ['v0'] };
    }),
  );
  expect(created.spec.names).toEqual({ plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' });
  expect(created.spec.conversion).toEqual({ strategy: 'None' });
  expect(created.metadata.generation).toBe(1);
  expect(created.status).toEqual({ conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1'] });
});

test('a CRD named other than plural.group is refused with upstream 422', async () => {
  const err = await create(widgetCRD((c) => (c.metadata.name = 'things.example.com'))).catch((e: unknown) => e);
  expect(err).toMatchObject({
    code: 422,
    message: 'CustomResourceDefinition.apiextensions.k8s.io "things.example.com" is invalid: metadata.name: Invalid value: "things.example.com": must be spec.names.plural+"."+spec.group',
    details: { causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] },
  });
});

test('spec updates bump the generation, keep the status and record a new storage version', async () => {
  await create(widgetCRD());
  const current = await get();
  current.spec.versions[0]!.storage = false;
  current.spec.versions.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: widgetSchema() } });
  current.status = { acceptedNames: { plural: 'x', kind: 'X' }, storedVersions: [] };
  const updated = (await client.update(api, crds, undefined, current as KubeObject)) as CustomResourceDefinition;
  expect(updated.metadata.generation).toBe(2);
  expect(updated.status).toEqual({ conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: ['v1', 'v2'] });
});

test('a /status write keeps the spec and checks only the accepted names', async () => {
  const created = await create(widgetCRD());
  const body = { ...created, spec: { ...created.spec, scope: 'Cluster' }, status: { ...created.status, acceptedNames: { plural: 'widgets', kind: 'Widget' } } };
  const written = (await client.update(api, crds, undefined, body as KubeObject, { subresource: 'status' })) as CustomResourceDefinition;
  expect(written.spec.scope).toBe('Namespaced');
  expect(written.status?.acceptedNames).toEqual({ plural: 'widgets', kind: 'Widget' });
  expect(written.metadata.generation).toBe(1);
  const bad = { ...written, status: { ...written.status, acceptedNames: { plural: 'wid_gets', kind: 'Widget' } } };
  await expect(client.update(api, crds, undefined, bad as KubeObject, { subresource: 'status' })).rejects.toMatchObject({
    code: 422,
    details: { causes: [{ field: 'status.acceptedNames.plural', reason: 'FieldValueInvalid' }] },
  });
});

test('kubectl get crd shows NAME and CREATED AT, the timestamp itself', () => {
  const table = customResourceDefinitionStrategy().table!;
  expect(table.columns.map((c) => [c.name, c.type])).toEqual([['Created At', 'date']]);
  expect(table.cells({ metadata: { name: 'w', creationTimestamp: '2024-05-01T10:00:00Z' } }, 0)).toEqual(['2024-05-01T10:00:00Z']);
});

test('the first delete marks the CRD Terminating with the cleanup finalizer; it goes once the finalizers do', async () => {
  await create(widgetCRD((c) => (c.metadata.finalizers = ['example.com/keep'])));
  const marked = (await client.delete(api, crds, undefined, 'widgets.example.com')) as CustomResourceDefinition;
  expect(marked.metadata.deletionTimestamp).toBe('2024-05-01T10:00:00Z');
  expect(marked.metadata.finalizers).toEqual(['example.com/keep', crdCleanupFinalizer]);
  expect(marked.status?.conditions).toEqual([
    {
      type: 'Terminating',
      status: 'True',
      lastTransitionTime: '2024-05-01T10:00:00Z',
      reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    },
  ]);
  // A second delete changes nothing.
  const again = (await client.delete(api, crds, undefined, 'widgets.example.com')) as CustomResourceDefinition;
  expect(again.metadata.resourceVersion).toBe(marked.metadata.resourceVersion);

  // The finalizer controller removes its finalizer through /status, as upstream's does.
  const released = { ...(await get()) };
  released.metadata = { ...released.metadata, finalizers: ['example.com/keep'] };
  await client.update(api, crds, undefined, released as KubeObject, { subresource: 'status' });
  expect((await get()).metadata.finalizers).toEqual(['example.com/keep']);
  const last = await get();
  last.metadata.finalizers = [];
  await client.update(api, crds, undefined, last as KubeObject);
  await expect(get()).rejects.toMatchObject({ code: 404 });
});
