// @kubernetes/client-node 1.4: deployment status and scale subresources, and the generic KubernetesObjectApi.
import * as k8s from '@kubernetes/client-node';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, deployment, mergePatch, type Clients } from './client-node-support.js';

let cluster: TestCluster;
let c: Clients;
const ns = 'subresources';

beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  c = clientsFor(cluster);
  await c.core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(async () => {
  await cluster.close();
});

describe('deployment status subresource', () => {
  test('status writes keep spec; spec writes keep status; generation counts spec changes only', async () => {
    const created = await c.apps.createNamespacedDeployment({ namespace: ns, body: { ...deployment('st', 2), status: { replicas: 99 } } });
    expect(created.metadata?.generation).toBe(1);
    expect(created.status?.replicas).toBeUndefined(); // status is not settable on create

    const statusWrite = await c.apps.replaceNamespacedDeploymentStatus({
      name: 'st',
      namespace: ns,
      body: { ...created, spec: { ...created.spec!, replicas: 7 }, status: { replicas: 2, readyReplicas: 1, observedGeneration: 1 } },
    });
    expect(statusWrite.status).toMatchObject({ replicas: 2, readyReplicas: 1, observedGeneration: 1 });
    expect(statusWrite.spec?.replicas).toBe(2);
    expect(statusWrite.metadata?.generation).toBe(1);
    expect(Number(statusWrite.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));

    const viaStatus = await c.apps.readNamespacedDeploymentStatus({ name: 'st', namespace: ns });
    expect(viaStatus.status?.readyReplicas).toBe(1);

    // A stale resourceVersion on /status is a conflict like on the main resource.
    const stale = await apiError(c.apps.replaceNamespacedDeploymentStatus({ name: 'st', namespace: ns, body: { ...created, status: { replicas: 5 } } }));
    expect(stale.code).toBe(409);

    const specWrite = await c.apps.replaceNamespacedDeployment({
      name: 'st',
      namespace: ns,
      body: { ...statusWrite, spec: { ...statusWrite.spec!, replicas: 3 }, status: { replicas: 0 } },
    });
    expect(specWrite.spec?.replicas).toBe(3);
    expect(specWrite.status).toMatchObject({ replicas: 2, readyReplicas: 1, observedGeneration: 1 });
    expect(specWrite.metadata?.generation).toBe(2);

    const labelOnly = await c.apps.patchNamespacedDeployment({ name: 'st', namespace: ns, body: { metadata: { labels: { extra: 'yes' } } } }, mergePatch);
    expect(labelOnly.metadata?.generation).toBe(2);

    const statusPatch = await c.apps.patchNamespacedDeploymentStatus(
      { name: 'st', namespace: ns, body: { spec: { replicas: 50 }, status: { observedGeneration: 2, updatedReplicas: 3 } } },
      mergePatch,
    );
    expect(statusPatch.status).toMatchObject({ observedGeneration: 2, updatedReplicas: 3, replicas: 2 });
    expect(statusPatch.spec?.replicas).toBe(3);
    expect(statusPatch.metadata?.generation).toBe(2);

    const jsonStatusPatch = await c.apps.patchNamespacedDeploymentStatus({
      name: 'st',
      namespace: ns,
      body: [{ op: 'replace', path: '/status/replicas', value: 3 }],
    });
    expect(jsonStatusPatch.status?.replicas).toBe(3);
    expect(jsonStatusPatch.metadata?.generation).toBe(2);
  });

  test('reading the status of a missing deployment is a 404', async () => {
    const { code } = await apiError(c.apps.readNamespacedDeploymentStatus({ name: 'missing', namespace: ns }));
    expect(code).toBe(404);
  });
});

describe('deployment scale subresource', () => {
  test('read, merge-patch, json-patch and replace the autoscaling/v1 Scale', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('sc', 2) });

    const scale = await c.apps.readNamespacedDeploymentScale({ name: 'sc', namespace: ns });
    expect(scale.apiVersion).toBe('autoscaling/v1');
    expect(scale.kind).toBe('Scale');
    expect(scale.metadata?.name).toBe('sc');
    expect(scale.metadata?.namespace).toBe(ns);
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.replicas).toBe(0);
    expect(scale.status?.selector).toBe('app=sc');

    const patched = await c.apps.patchNamespacedDeploymentScale({ name: 'sc', namespace: ns, body: { spec: { replicas: 5 } } }, mergePatch);
    expect(patched.kind).toBe('Scale');
    expect(patched.spec?.replicas).toBe(5);
    let d = await c.apps.readNamespacedDeployment({ name: 'sc', namespace: ns });
    expect(d.spec?.replicas).toBe(5);
    expect(d.metadata?.generation).toBe(2);
    expect(d.metadata?.resourceVersion).toBe(patched.metadata?.resourceVersion);

    const jsonPatched = await c.apps.patchNamespacedDeploymentScale({
      name: 'sc',
      namespace: ns,
      body: [{ op: 'replace', path: '/spec/replicas', value: 1 }],
    });
    expect(jsonPatched.spec?.replicas).toBe(1);

    const replaced = await c.apps.replaceNamespacedDeploymentScale({
      name: 'sc',
      namespace: ns,
      body: { metadata: { name: 'sc', namespace: ns, resourceVersion: jsonPatched.metadata?.resourceVersion }, spec: { replicas: 4 } },
    });
    expect(replaced.spec?.replicas).toBe(4);
    const stale = await apiError(
      c.apps.replaceNamespacedDeploymentScale({
        name: 'sc',
        namespace: ns,
        body: { metadata: { name: 'sc', namespace: ns, resourceVersion: jsonPatched.metadata?.resourceVersion }, spec: { replicas: 6 } },
      }),
    );
    expect(stale.code).toBe(409);

    d = await c.apps.readNamespacedDeployment({ name: 'sc', namespace: ns });
    expect(d.spec?.replicas).toBe(4);
    expect(d.metadata?.generation).toBe(4);

    const negative = await apiError(c.apps.patchNamespacedDeploymentScale({ name: 'sc', namespace: ns, body: { spec: { replicas: -1 } } }, mergePatch));
    expect(negative.code).toBe(422);
  });
});

describe('KubernetesObjectApi (legacy discovery)', () => {
  test('create, read, list, patch, replace and delete a Deployment by apiVersion and kind', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(c.kc);
    const spec: k8s.V1Deployment = { ...deployment('generic', 1), metadata: { name: 'generic', namespace: ns, labels: { app: 'generic' } } };

    const created = await client.create(spec);
    expect(created.kind).toBe('Deployment');
    expect(created.metadata?.uid).toBeTruthy();

    const read = await client.read<k8s.V1Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic', namespace: ns } });
    expect(read.spec?.replicas).toBe(1);
    expect(read.metadata?.generation).toBe(1);

    const listed = await client.list<k8s.V1Deployment>('apps/v1', 'Deployment', ns, undefined, undefined, undefined, undefined, 'app=generic');
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['generic']);

    const patched = await client.patch<k8s.V1Deployment>(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic', namespace: ns }, spec: { replicas: 3 } } as k8s.V1Deployment,
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch,
    );
    expect(patched.spec?.replicas).toBe(3);

    const replaced = await client.replace<k8s.V1Deployment>({ ...patched, metadata: { ...patched.metadata!, annotations: { via: 'replace' } } });
    expect(replaced.metadata?.annotations).toEqual({ via: 'replace' });

    const cm = await client.create<k8s.V1ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic-cm', namespace: ns }, data: { k: 'v' } });
    expect(cm.metadata?.uid).toBeTruthy();

    const status = await client.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic', namespace: ns } });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success' });
    const gone = await apiError(client.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'generic', namespace: ns } }));
    expect(gone.code).toBe(404);
  });

  test('an unknown kind fails with a clear error rather than a bad request', async () => {
    const client = k8s.KubernetesObjectApi.makeApiClient(c.kc);
    await expect(client.read({ apiVersion: 'apps/v1', kind: 'Nonexistent', metadata: { name: 'x', namespace: ns } })).rejects.toThrow(
      /Unrecognized API version and kind: apps\/v1 Nonexistent/,
    );
  });
});
