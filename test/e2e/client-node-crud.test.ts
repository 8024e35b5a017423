// @kubernetes/client-node 1.4 typed clients: create/read/list/replace/patch/delete on core and apps resources.
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, configMap, deployment, mergePatch, type Clients } from './client-node-support.js';

let cluster: TestCluster;
let c: Clients;
const ns = 'crud';

beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  c = clientsFor(cluster);
  await c.core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(async () => {
  await cluster.close();
});

describe('namespaces', () => {
  test('create, read, list by label and field selector, merge-patch labels, delete to Terminating', async () => {
    const created = await c.core.createNamespace({ body: { metadata: { name: 'team-a', labels: { team: 'a' } } } });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.status?.phase).toBe('Active');
    await c.core.createNamespace({ body: { metadata: { name: 'team-b', labels: { team: 'b' } } } });

    const read = await c.core.readNamespace({ name: 'team-a' });
    expect(read.metadata?.labels).toEqual({ team: 'a', 'kubernetes.io/metadata.name': 'team-a' });
    expect(read.spec?.finalizers).toEqual(['kubernetes']);

    const byLabel = await c.core.listNamespace({ labelSelector: 'team in (a,b)' });
    expect(byLabel.kind).toBe('NamespaceList');
    expect(byLabel.items.map((n) => n.metadata?.name).sort()).toEqual(['team-a', 'team-b']);
    const byField = await c.core.listNamespace({ fieldSelector: 'metadata.name=team-b' });
    expect(byField.items.map((n) => n.metadata?.name)).toEqual(['team-b']);
    const notDefault = await c.core.listNamespace({ fieldSelector: 'metadata.name!=default,status.phase=Active' });
    expect(notDefault.items.map((n) => n.metadata?.name)).not.toContain('default');
    expect(notDefault.items.map((n) => n.metadata?.name)).toContain('kube-system');

    const patched = await c.core.patchNamespace({ name: 'team-a', body: { metadata: { labels: { tier: 'gold' } } } }, mergePatch);
    expect(patched.metadata?.labels).toMatchObject({ team: 'a', tier: 'gold' });

    // The typed client decodes the answer as V1Status; the namespace itself waits on its `kubernetes` finalizer.
    await c.core.deleteNamespace({ name: 'team-b' });
    const terminating = await c.core.readNamespace({ name: 'team-b' });
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    expect(terminating.status?.phase).toBe('Terminating');
  });

  test('reading a missing namespace is a 404 NotFound Status', async () => {
    const { code, status } = await apiError(c.core.readNamespace({ name: 'nope' }));
    expect(code).toBe(404);
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, details: { name: 'nope', kind: 'namespaces' } });
    expect(status.message).toBe('namespaces "nope" not found');
  });
});

describe('configmaps', () => {
  test('create, read, list with selectors, replace, stale replace is 409, patches, delete', async () => {
    const created = await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('one', { a: '1' }, { app: 'x' }) });
    expect(created.metadata?.namespace).toBe(ns);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('two', { b: '2' }, { app: 'y' }) });

    const dup = await apiError(c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('one') }));
    expect(dup.code).toBe(409);
    expect(dup.status.reason).toBe('AlreadyExists');

    const read = await c.core.readNamespacedConfigMap({ name: 'one', namespace: ns });
    expect(read.data).toEqual({ a: '1' });

    const byLabel = await c.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app=x' });
    expect(byLabel.items.map((i) => i.metadata?.name)).toEqual(['one']);
    expect(Number(byLabel.metadata?.resourceVersion)).toBeGreaterThan(0);
    const byField = await c.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=two' });
    expect(byField.items.map((i) => i.metadata?.name)).toEqual(['two']);
    const everywhere = await c.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${ns}` });
    expect(everywhere.items.map((i) => i.metadata?.name).sort()).toEqual(['one', 'two']);

    const replaced = await c.core.replaceNamespacedConfigMap({ name: 'one', namespace: ns, body: { ...read, data: { a: '10' } } });
    expect(replaced.data).toEqual({ a: '10' });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));

    // `read` still carries the old resourceVersion: optimistic concurrency must refuse it.
    const stale = await apiError(c.core.replaceNamespacedConfigMap({ name: 'one', namespace: ns, body: { ...read, data: { a: 'lost' } } }));
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
    expect(stale.status.message).toContain('the object has been modified');

    // Typed patch calls default to application/json-patch+json.
    const jsonPatched = await c.core.patchNamespacedConfigMap({
      name: 'one',
      namespace: ns,
      body: [
        { op: 'add', path: '/data/c', value: '3' },
        { op: 'replace', path: '/data/a', value: '11' },
      ],
    });
    expect(jsonPatched.data).toEqual({ a: '11', c: '3' });
    const badTest = await apiError(
      c.core.patchNamespacedConfigMap({ name: 'one', namespace: ns, body: [{ op: 'test', path: '/data/a', value: 'nope' }] }),
    );
    expect([409, 422]).toContain(badTest.code);

    const merged = await c.core.patchNamespacedConfigMap({ name: 'one', namespace: ns, body: { data: { c: null, d: '4' } } }, mergePatch);
    expect(merged.data).toEqual({ a: '11', d: '4' });

    const deleted = await c.core.deleteNamespacedConfigMap({ name: 'two', namespace: ns });
    expect(deleted).toMatchObject({ kind: 'Status', status: 'Success' });
    expect((await apiError(c.core.readNamespacedConfigMap({ name: 'two', namespace: ns }))).code).toBe(404);
    expect((await apiError(c.core.deleteNamespacedConfigMap({ name: 'two', namespace: ns }))).code).toBe(404);
  });

  test('creating in a missing namespace is a 404', async () => {
    const { code, status } = await apiError(c.core.createNamespacedConfigMap({ namespace: 'ghost', body: configMap('x') }));
    expect(code).toBe(404);
    expect(status.message).toBe('namespaces "ghost" not found');
  });

  test('deleteCollection removes only the selected objects', async () => {
    for (const [name, tier] of [['dc-1', 'temp'], ['dc-2', 'temp'], ['dc-3', 'keep']]) {
      await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap(name, {}, { tier }) });
    }
    const result = await c.core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'tier=temp' });
    expect(result).toBeDefined();
    const left = await c.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'tier' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['dc-3']);
  });
});

describe('secrets', () => {
  test('stringData is folded into base64 data; type defaults to Opaque', async () => {
    const created = await c.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'creds' }, stringData: { user: 'admin' } } });
    expect(created.type).toBe('Opaque');
    expect(created.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    expect(created.stringData).toBeUndefined();

    const listed = await c.core.listNamespacedSecret({ namespace: ns, fieldSelector: 'type=Opaque' });
    expect(listed.items.map((s) => s.metadata?.name)).toContain('creds');

    const patched = await c.core.patchNamespacedSecret(
      { name: 'creds', namespace: ns, body: [{ op: 'add', path: '/data/pass', value: Buffer.from('s3cret').toString('base64') }] },
    );
    expect(Object.keys(patched.data ?? {}).sort()).toEqual(['pass', 'user']);

    const immutableType = await apiError(c.core.patchNamespacedSecret({ name: 'creds', namespace: ns, body: { type: 'kubernetes.io/tls' } }, mergePatch));
    expect(immutableType.code).toBe(422);
    expect(immutableType.status.reason).toBe('Invalid');

    await c.core.deleteNamespacedSecret({ name: 'creds', namespace: ns });
    expect((await apiError(c.core.readNamespacedSecret({ name: 'creds', namespace: ns }))).code).toBe(404);
  });
});

describe('services', () => {
  test('a ClusterIP is allocated and kept across a replace; invalid specs are 422', async () => {
    const created = await c.core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    expect(created.spec?.type).toBe('ClusterIP');
    expect(created.spec?.clusterIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(created.spec?.ports?.[0]).toMatchObject({ port: 80, protocol: 'TCP', targetPort: 8080 });

    const replaced = await c.core.replaceNamespacedService({
      name: 'web',
      namespace: ns,
      body: { ...created, spec: { ...created.spec, ports: [{ port: 81, targetPort: 8080 }] } },
    });
    expect(replaced.spec?.clusterIP).toBe(created.spec?.clusterIP);
    expect(replaced.spec?.ports?.[0].port).toBe(81);

    const invalid = await apiError(c.core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'bad' }, spec: { ports: [{ port: 0 }] } } }));
    expect(invalid.code).toBe(422);
    expect(invalid.status.reason).toBe('Invalid');

    const kubernetes = await c.core.readNamespacedService({ name: 'kubernetes', namespace: 'default' });
    expect(kubernetes.spec?.clusterIP).toBe('10.96.0.1');

    await c.core.deleteNamespacedService({ name: 'web', namespace: ns });
    expect((await apiError(c.core.readNamespacedService({ name: 'web', namespace: ns }))).code).toBe(404);
  });
});

describe('pods', () => {
  test('defaults are applied, the image can change, an unscheduled pod deletes at once', async () => {
    const created = await c.core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'p1', labels: { app: 'p' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    expect(created.spec?.restartPolicy).toBe('Always');
    expect(created.spec?.containers[0].imagePullPolicy).toBe('Always');
    expect(created.status?.phase).toBe('Pending');

    const listed = await c.core.listNamespacedPod({ namespace: ns, fieldSelector: 'status.phase=Pending', labelSelector: 'app=p' });
    expect(listed.items.map((p) => p.metadata?.name)).toEqual(['p1']);
    const unscheduled = await c.core.listNamespacedPod({ namespace: ns, fieldSelector: 'spec.nodeName=' });
    expect(unscheduled.items.map((p) => p.metadata?.name)).toEqual(['p1']);

    const image = await c.core.patchNamespacedPod({ name: 'p1', namespace: ns, body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'busybox:1.36' }] });
    expect(image.spec?.containers[0].image).toBe('busybox:1.36');

    const deleted = await c.core.deleteNamespacedPod({ name: 'p1', namespace: ns });
    expect(deleted.metadata?.name).toBe('p1');
    expect((await apiError(c.core.readNamespacedPod({ name: 'p1', namespace: ns }))).code).toBe(404);
  });
});

describe('deployments', () => {
  test('create defaults, list by selector, replace conflict, patch, deleteCollection', async () => {
    const created = await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 2) });
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    expect(created.spec?.revisionHistoryLimit).toBe(10);
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deployment('api', 1) });

    const read = await c.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(read.spec?.replicas).toBe(2);
    const listed = await c.apps.listNamespacedDeployment({ namespace: ns, labelSelector: 'app in (web)' });
    expect(listed.items.map((d) => d.metadata?.name)).toEqual(['web']);
    const byName = await c.apps.listDeploymentForAllNamespaces({ fieldSelector: 'metadata.name=api' });
    expect(byName.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual([`${ns}/api`]);

    const bumped = await c.apps.replaceNamespacedDeployment({ name: 'web', namespace: ns, body: { ...read, spec: { ...read.spec!, replicas: 3 } } });
    expect(bumped.metadata?.generation).toBe(2);
    const stale = await apiError(c.apps.replaceNamespacedDeployment({ name: 'web', namespace: ns, body: { ...read, spec: { ...read.spec!, replicas: 4 } } }));
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({ reason: 'Conflict', details: { name: 'web', group: 'apps', kind: 'deployments' } });

    const patched = await c.apps.patchNamespacedDeployment(
      { name: 'web', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } } },
      mergePatch,
    );
    expect(patched.spec?.template.spec?.containers[0].image).toBe('nginx:1.28');
    expect(patched.metadata?.generation).toBe(3);

    const badSelector = await apiError(
      c.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: [{ op: 'replace', path: '/spec/selector/matchLabels/app', value: 'other' }] }),
    );
    expect(badSelector.code).toBe(422);

    await c.apps.deleteCollectionNamespacedDeployment({ namespace: ns });
    expect((await c.apps.listNamespacedDeployment({ namespace: ns })).items).toEqual([]);
  });
});
