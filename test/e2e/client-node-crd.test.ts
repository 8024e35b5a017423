// @kubernetes/client-node 1.4 on a custom resource: an informer over CustomObjectsApi, /status writes and generation.
import * as k8s from '@kubernetes/client-node';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { crontabCrdPath } from './crd-e2e-support.js';
import { apiError, mergePatch, Queue } from './client-node-support.js';

interface CronTab extends k8s.KubernetesObject {
  spec: { cronSpec: string; image: string; replicas?: number; minReplicas?: number; color?: string };
  status?: { replicas?: number; labelSelector?: string };
}

type Seen = { verb: 'add' | 'update' | 'delete' | 'error'; name?: string; image?: string; statusReplicas?: number; error?: unknown };

const crontabs = { group: 'stable.example.com', version: 'v1', plural: 'crontabs' };

function crontab(name: string, image = 'backup:1.0'): CronTab {
  return { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name }, spec: { cronSpec: '@hourly', image } };
}

describe('custom resources through client-node', () => {
  let cluster: TestCluster;
  let kc: k8s.KubeConfig;
  let custom: k8s.CustomObjectsApi;
  const namespace = 'crons';
  const at = { ...crontabs, namespace };

  beforeAll(async () => {
    cluster = await startTestCluster({ ...apiServerOnly, crds: [crontabCrdPath] });
    kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('an informer over listNamespacedCustomObject sees add, update (spec and status) and delete', async () => {
    await custom.createNamespacedCustomObject({ ...at, body: crontab('before') });
    const informer = k8s.makeInformer<CronTab>(kc, `/apis/stable.example.com/v1/namespaces/${namespace}/crontabs`, () =>
      custom.listNamespacedCustomObject(at),
    );
    const seen = new Queue<Seen>();
    for (const verb of ['add', 'update', 'delete'] as const) {
      informer.on(verb, (o) => seen.push({ verb, name: o.metadata?.name, image: o.spec.image, statusReplicas: o.status?.replicas }));
    }
    informer.on('error', (error) => seen.push({ verb: 'error', error }));
    await informer.start();
    try {
      expect(await seen.next()).toEqual({ verb: 'add', name: 'before', image: 'backup:1.0', statusReplicas: undefined });

      const created = (await custom.createNamespacedCustomObject({ ...at, body: crontab('live') })) as CronTab;
      expect(await seen.next()).toEqual({ verb: 'add', name: 'live', image: 'backup:1.0', statusReplicas: undefined });
      await custom.replaceNamespacedCustomObject({ ...at, name: 'live', body: { ...created, spec: { ...created.spec, image: 'backup:2.0' } } });
      expect(await seen.next()).toEqual({ verb: 'update', name: 'live', image: 'backup:2.0', statusReplicas: undefined });
      await custom.patchNamespacedCustomObjectStatus({ ...at, name: 'live', body: { status: { replicas: 4 } } }, mergePatch);
      expect(await seen.next()).toEqual({ verb: 'update', name: 'live', image: 'backup:2.0', statusReplicas: 4 });
      await custom.deleteNamespacedCustomObject({ ...at, name: 'before' });
      expect(await seen.next()).toEqual({ verb: 'delete', name: 'before', image: 'backup:1.0', statusReplicas: undefined });

      expect(informer.list().map((o) => o.metadata?.name)).toEqual(['live']);
      expect(informer.get('live', namespace)?.status).toEqual({ replicas: 4 });
    } finally {
      await informer.stop();
    }
  });

  test('/status writes change status but never spec, and leave generation alone; spec writes bump it and ignore status', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...at, body: crontab('gen') })) as CronTab;
    expect(created.metadata?.generation).toBe(1);
    // Defaults from the schema were applied on create.
    expect(created.spec).toEqual({ cronSpec: '@hourly', image: 'backup:1.0', replicas: 1, minReplicas: 0 });

    const patched = (await custom.patchNamespacedCustomObjectStatus(
      { ...at, name: 'gen', body: { spec: { image: 'sneaky:1.0' }, status: { replicas: 1, labelSelector: 'app=gen' } } },
      mergePatch,
    )) as CronTab;
    expect(patched.status).toEqual({ replicas: 1, labelSelector: 'app=gen' });
    expect(patched.spec.image).toBe('backup:1.0');
    expect(patched.metadata?.generation).toBe(1);

    const replaced = (await custom.replaceNamespacedCustomObjectStatus({
      ...at,
      name: 'gen',
      body: { ...patched, spec: { ...patched.spec, image: 'sneaky:2.0' }, status: { replicas: 2, labelSelector: 'app=gen' } },
    })) as CronTab;
    expect(replaced.status).toEqual({ replicas: 2, labelSelector: 'app=gen' });
    expect(replaced.spec.image).toBe('backup:1.0');
    expect(replaced.metadata?.generation).toBe(1);
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(Number(patched.metadata?.resourceVersion));

    // Through the main resource it is the other way round: spec changes (and bumps generation), status is kept.
    const updated = (await custom.replaceNamespacedCustomObject({
      ...at,
      name: 'gen',
      body: { ...replaced, spec: { ...replaced.spec, image: 'backup:3.0' }, status: { replicas: 99 } },
    })) as CronTab;
    expect(updated.spec.image).toBe('backup:3.0');
    expect(updated.status).toEqual({ replicas: 2, labelSelector: 'app=gen' });
    expect(updated.metadata?.generation).toBe(2);

    // Metadata-only changes do not count as a new generation either.
    const labelled = (await custom.patchNamespacedCustomObject({ ...at, name: 'gen', body: { metadata: { labels: { tier: 'batch' } } } }, mergePatch)) as CronTab;
    expect(labelled.metadata?.labels).toEqual({ tier: 'batch' });
    expect(labelled.metadata?.generation).toBe(2);

    const read = (await custom.getNamespacedCustomObjectStatus({ ...at, name: 'gen' })) as CronTab;
    expect(read).toEqual(labelled);
  });

  test('an invalid custom resource is refused with 422 and the schema causes', async () => {
    const invalid = { ...crontab('bad'), spec: { cronSpec: '@hourly', image: 'backup:1.0', color: 'purple' } };
    const { code, status } = await apiError(custom.createNamespacedCustomObject({ ...at, body: invalid }));
    expect(code).toBe(422);
    expect(status).toMatchObject({
      reason: 'Invalid',
      message: expect.stringMatching(/^CronTab\.stable\.example\.com "bad" is invalid: \[spec\.color: Unsupported value: "purple": supported values: "red", "green", "blue", /),
      details: { name: 'bad', group: 'stable.example.com', kind: 'CronTab' },
    });
    expect(status.details?.causes?.[0]).toEqual({
      reason: 'FieldValueNotSupported', message: 'Unsupported value: "purple": supported values: "red", "green", "blue"', field: 'spec.color',
    });
  });
});
