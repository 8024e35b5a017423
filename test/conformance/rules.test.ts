// Targeted tests of the rules every write meets: generation, status, namespaces, URL/body agreement, validation, defaults.
import { expectCode, expectStatus, type Json } from './http.js';
import { useCluster } from './suite.js';

const h = useCluster();

const labels = { app: 'web' };
const podSpec = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
const deployment = (name: string): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
});
const deployments = '/apis/apps/v1/namespaces/default/deployments';
const configMaps = '/api/v1/namespaces/default/configmaps';

describe('generation', () => {
  test('starts at 1 and moves only when the spec changes', async () => {
    const created = expectCode(await h.api.post(deployments, deployment('gen')), 201);
    expect(created.metadata.generation).toBe(1);
    const path = `${deployments}/gen`;
    const labelled = expectCode(await h.api.patch(path, { metadata: { labels: { tier: 'frontend' } } }), 200);
    expect(labelled.metadata.generation).toBe(1);
    const annotated = expectCode(await h.api.patch(path, { metadata: { annotations: { note: 'x' } } }), 200);
    expect(annotated.metadata.generation).toBe(1);
    const scaled = expectCode(await h.api.patch(path, { spec: { replicas: 3 } }), 200);
    expect(scaled.metadata.generation).toBe(2);
    const statusWrite = expectCode(await h.api.put(`${path}/status`, { ...scaled, status: { observedGeneration: 2, replicas: 3 } }), 200);
    expect(statusWrite.metadata.generation).toBe(2);
    const put = structuredClone(statusWrite);
    put.spec.template.spec.containers[0].image = 'nginx:1.28';
    expect(expectCode(await h.api.put(path, put), 200).metadata.generation).toBe(3);
    // A client cannot set generation itself.
    const forged = expectCode(await h.api.patch(path, { metadata: { generation: 42 } }), 200);
    expect(forged.metadata.generation).toBe(3);
  });

  test('a create ignores a generation in the body', async () => {
    const body = deployment('gen-forged');
    body.metadata.generation = 7;
    expect(expectCode(await h.api.post(deployments, body), 201).metadata.generation).toBe(1);
  });
});

describe('status', () => {
  test('a create cannot set status of a kind with a status subresource', async () => {
    const body = { ...deployment('status-create'), status: { replicas: 9, observedGeneration: 5 } };
    const created = expectCode(await h.api.post(deployments, body), 201);
    expect(created.status ?? {}).not.toMatchObject({ replicas: 9 });
  });

  test('writes to the main resource keep the stored status', async () => {
    const created = expectCode(await h.api.post(deployments, deployment('status-keep')), 201);
    const path = `${deployments}/status-keep`;
    const withStatus = expectCode(await h.api.put(`${path}/status`, { ...created, status: { replicas: 2, readyReplicas: 2 } }), 200);
    expect(withStatus.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    const put = expectCode(await h.api.put(path, { ...withStatus, status: { replicas: 0 } }), 200);
    expect(put.status).toEqual(withStatus.status);
    const patched = expectCode(await h.api.patch(path, { status: { readyReplicas: 0 }, metadata: { labels: { x: 'y' } } }), 200);
    expect(patched.status).toEqual(withStatus.status);
    const jsonPatched = expectCode(await h.api.patch(path, [{ op: 'remove', path: '/status' }], 'application/json-patch+json'), 200);
    expect(jsonPatched.status).toEqual(withStatus.status);
  });
});

describe('namespaces', () => {
  test('the startup namespaces exist and are Active', async () => {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const ns = expectCode(await h.api.get(`/api/v1/namespaces/${name}`), 200);
      expect(ns.status.phase).toBe('Active');
      expect(ns.spec.finalizers).toEqual(['kubernetes']);
      expect(ns.metadata.labels['kubernetes.io/metadata.name']).toBe(name);
    }
  });

  test('a create in a missing namespace is a 404 naming the namespace', async () => {
    const status = expectStatus(await h.api.post('/api/v1/namespaces/nope/configmaps', { metadata: { name: 'x' } }), 404, 'NotFound');
    expect(status.message).toBe('namespaces "nope" not found');
    expect(status.details).toEqual({ name: 'nope', kind: 'namespaces' });
  });
});

describe('URL and body must agree', () => {
  test('a body namespace other than the URL one is a 400', async () => {
    const status = expectStatus(
      await h.api.post(configMaps, { metadata: { name: 'ns-mismatch', namespace: 'kube-system' } }),
      400,
      'BadRequest',
    );
    expect(status.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
    expectStatus(await h.api.get(`${configMaps}/ns-mismatch`), 404, 'NotFound');
  });

  test('a body name other than the URL one is a 400 on PUT', async () => {
    const created = expectCode(await h.api.post(configMaps, { metadata: { name: 'name-a' } }), 201);
    const status = expectStatus(await h.api.put(`${configMaps}/name-a`, { ...created, metadata: { ...created.metadata, name: 'name-b' } }), 400, 'BadRequest');
    expect(status.message).toBe('the name of the object (name-b) does not match the name on the URL (name-a)');
  });

  test('a patch cannot rename an object or move it to another namespace', async () => {
    expectCode(await h.api.post(configMaps, { metadata: { name: 'patch-rename' } }), 201);
    expectStatus(await h.api.patch(`${configMaps}/patch-rename`, { metadata: { name: 'other' } }), 400, 'BadRequest');
    expectStatus(await h.api.patch(`${configMaps}/patch-rename`, { metadata: { namespace: 'kube-system' } }), 400, 'BadRequest');
  });

  test('an apiVersion or kind other than the URL one is a 400', async () => {
    const wrongVersion = expectStatus(
      await h.api.post(deployments, { ...deployment('gv'), apiVersion: 'extensions/v1beta1' }),
      400,
      'BadRequest',
    );
    expect(wrongVersion.message).toBe('the API version in the data (extensions/v1beta1) does not match the expected API version (apps/v1)');
    expectStatus(await h.api.post(configMaps, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kind' } }), 400, 'BadRequest');
    expectStatus(await h.api.get(`${configMaps}/kind`), 404, 'NotFound');
  });

  test('apiVersion and kind may be left out', async () => {
    const created = expectCode(await h.api.post(configMaps, { metadata: { name: 'no-type-meta' }, data: { a: 'b' } }), 201);
    expect(created).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  });
});

describe('metadata validation', () => {
  const invalid = async (metadata: Json, field: string) => {
    const status = expectStatus(await h.api.post(configMaps, { metadata }), 422, 'Invalid');
    expect(status.details.kind).toBe('ConfigMap');
    expect(status.details.causes).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.any(String) })]));
    expect(status.message).toContain(`${field}: `);
    return status;
  };

  test('invalid names are 422 Invalid on metadata.name', async () => {
    const status = await invalid({ name: 'Bad_Name' }, 'metadata.name');
    expect(status.message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(status.details.name).toBe('Bad_Name');
    await invalid({ name: 'a'.repeat(254) }, 'metadata.name');
    await invalid({ name: '-leading-dash' }, 'metadata.name');
    await invalid({}, 'metadata.name');
    await invalid({ generateName: 'UPPER-' }, 'metadata.generateName');
    // Services need an RFC 1035 label; namespaces an RFC 1123 label.
    const svc = expectStatus(await h.api.post('/api/v1/namespaces/default/services', { metadata: { name: '1abc' }, spec: { ports: [{ port: 80 }] } }), 422, 'Invalid');
    expect(svc.details.causes[0]).toMatchObject({ field: 'metadata.name', reason: 'FieldValueInvalid' });
    expectStatus(await h.api.post('/api/v1/namespaces', { metadata: { name: 'has.dot' } }), 422, 'Invalid');
  });

  test('invalid labels and annotations are 422 Invalid on their maps', async () => {
    await invalid({ name: 'bad-label-key', labels: { 'bad key': 'v' } }, 'metadata.labels');
    await invalid({ name: 'bad-label-value', labels: { key: 'bad value!' } }, 'metadata.labels');
    await invalid({ name: 'long-label', labels: { key: 'x'.repeat(64) } }, 'metadata.labels');
    await invalid({ name: 'bad-annotation', annotations: { 'bad key': 'v' } }, 'metadata.annotations');
    await invalid({ name: 'huge-annotation', annotations: { big: 'x'.repeat(256 * 1024 + 1) } }, 'metadata.annotations');
  });

  test('every cause is reported at once', async () => {
    const status = expectStatus(await h.api.post(configMaps, { metadata: { name: 'Bad', labels: { 'a b': 'c' } } }), 422, 'Invalid');
    const fields = (status.details.causes as Json[]).map((c) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['metadata.name', 'metadata.labels']));
  });

  test('an update is validated too', async () => {
    const created = expectCode(await h.api.post(configMaps, { metadata: { name: 'update-validated' } }), 201);
    const status = expectStatus(
      await h.api.put(`${configMaps}/update-validated`, { ...created, metadata: { ...created.metadata, labels: { 'no spaces': 'x' } } }),
      422,
      'Invalid',
    );
    expect(status.details.causes[0].field).toBe('metadata.labels');
    expectStatus(await h.api.patch(`${configMaps}/update-validated`, { metadata: { annotations: { '-bad': 'x' } } }), 422, 'Invalid');
    expect(expectCode(await h.api.get(`${configMaps}/update-validated`), 200)).toEqual(created);
  });

  test('pods need containers with a name and an image', async () => {
    const status = expectStatus(
      await h.api.post('/api/v1/namespaces/default/pods', { metadata: { name: 'no-image' }, spec: { containers: [{ name: 'app' }] } }),
      422,
      'Invalid',
    );
    expect(status.details.causes).toEqual([expect.objectContaining({ field: 'spec.containers[0].image', reason: 'FieldValueRequired' })]);
  });
});

describe('defaults', () => {
  test('pod: restartPolicy, dnsPolicy, grace period, scheduler and per-container pull policy', async () => {
    const pod = expectCode(
      await h.api.post('/api/v1/namespaces/default/pods', {
        metadata: { name: 'defaults' },
        spec: { containers: [{ name: 'tagged', image: 'nginx:1.27' }, { name: 'latest', image: 'nginx' }, { name: 'explicit', image: 'nginx:latest' }] },
      }),
      201,
    );
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
      enableServiceLinks: true,
    });
    expect(pod.spec.containers.map((c: Json) => c.imagePullPolicy)).toEqual(['IfNotPresent', 'Always', 'Always']);
    expect(pod.spec.containers[0]).toMatchObject({ terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} });
    expect(pod.status).toMatchObject({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  test('deployment: replicas, RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600', async () => {
    const body = deployment('defaults');
    delete body.spec.replicas;
    const created = expectCode(await h.api.post(deployments, body), 201);
    expect(created.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(created.spec.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
  });

  test('service: ClusterIP type and address, sessionAffinity None, TCP, targetPort = port', async () => {
    const svc = expectCode(
      await h.api.post('/api/v1/namespaces/default/services', { metadata: { name: 'defaults' }, spec: { selector: labels, ports: [{ port: 8080 }] } }),
      201,
    );
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ port: 8080, protocol: 'TCP', targetPort: 8080 }],
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    expect(svc.spec.clusterIP).toMatch(/^10\.9[6-9]\.|^10\.1[01]\d\./);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
  });

  test('persistentvolumeclaim: volumeMode Filesystem', async () => {
    const pvc = expectCode(
      await h.api.post('/api/v1/namespaces/default/persistentvolumeclaims', {
        metadata: { name: 'defaults' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
      201,
    );
    expect(pvc.spec.volumeMode).toBe('Filesystem');
    expect(pvc.status.phase).toBe('Pending');
  });

  test('defaults apply on update as on create', async () => {
    const created = expectCode(await h.api.post(deployments, deployment('defaults-update')), 201);
    const put = structuredClone(created);
    delete put.spec.revisionHistoryLimit;
    delete put.spec.strategy;
    const updated = expectCode(await h.api.put(`${deployments}/defaults-update`, put), 200);
    expect(updated.spec.revisionHistoryLimit).toBe(10);
    expect(updated.spec.strategy).toEqual(created.spec.strategy);
    expect(updated.metadata.generation).toBe(1);
  });
});

describe('create on update', () => {
  const kinds: [string, Json][] = [
    ['/api/v1/namespaces/default/endpoints', { metadata: { name: 'put-created' } }],
    ['/api/v1/namespaces/default/events', { metadata: { name: 'put-created' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'R', type: 'Normal' }],
    ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { metadata: { name: 'put-created' }, rules: [] }],
    ['/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'put-created' }, rules: [] }],
    ['/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { metadata: { name: 'put-created' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }],
    ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { metadata: { name: 'put-created' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }],
    ['/apis/node.k8s.io/v1/runtimeclasses', { metadata: { name: 'put-created' }, handler: 'runc' }],
  ];

  test.each(kinds)('PUT of an absent object creates it where upstream allows: %s', async (collection, body) => {
    const created = expectCode(await h.api.put(`${collection}/put-created`, body), 201);
    expect(created.metadata.uid).toBeDefined();
    expect(expectCode(await h.api.put(`${collection}/put-created`, created), 200).metadata.uid).toBe(created.metadata.uid);
  });

  test('PUT of an absent object is a 404 elsewhere', async () => {
    expectStatus(await h.api.put(`${configMaps}/put-missing`, { metadata: { name: 'put-missing' } }), 404, 'NotFound');
    expectStatus(await h.api.put(`${deployments}/put-missing`, deployment('put-missing')), 404, 'NotFound');
  });
});
