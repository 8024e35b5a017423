// The Website operator against a whole kubefake cluster: a Website becomes a rolled-out Deployment and reports Ready.
import * as k8s from '@kubernetes/client-node';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../../src/index.js';
import { startWebsiteOperator, type Operator } from './operator.js';
import { websiteApiVersion, websiteGroup, websitePlural, websiteVersion, type Website } from './website.js';

const websites = { group: websiteGroup, version: websiteVersion, plural: websitePlural };
const namespace = 'default';

/**
 * Resolves with the first object of `path` that `done` accepts (undefined for "none left" checks), checked on the
 * informer's initial list and on each event after it: waiting on events, never on a timer.
 */
function waitFor<T extends k8s.KubernetesObject>(
  kc: k8s.KubeConfig,
  path: string,
  list: () => Promise<k8s.KubernetesListObject<T>>,
  done: (items: readonly T[]) => boolean,
): Promise<T[]> {
  const informer = k8s.makeInformer<T>(kc, path, list);
  return new Promise<T[]>((resolve, reject) => {
    // Events of the initial list are judged once start() resolves: stopping an informer before its watch is open
    // would leave that watch running.
    let watching = false;
    let finished = false;
    const check = () => {
      if (!watching || finished || !done(informer.list())) return;
      finished = true;
      const items = [...informer.list()];
      void informer.stop().then(() => resolve(items));
    };
    for (const verb of [k8s.ADD, k8s.UPDATE, k8s.DELETE] as const) informer.on(verb, check);
    // stop() makes client-node report its own aborted watch as an error: only errors before that count.
    informer.on(k8s.ERROR, (err) => finished || reject(err));
    informer.start().then(() => {
      watching = true;
      check();
    }, reject);
  });
}

const readyCondition = (website: Website) => website.status?.conditions?.find((c) => c.type === 'Ready');

describe('Website operator', () => {
  let cluster: Cluster;
  let kc: k8s.KubeConfig;
  let operator: Operator;
  let custom: k8s.CustomObjectsApi;
  let apps: k8s.AppsV1Api;
  const reconcileErrors: unknown[] = [];

  const websitesReady = (name: string, replicas: number) =>
    waitFor<Website>(kc, `/apis/${websiteGroup}/${websiteVersion}/namespaces/${namespace}/websites`, () => custom.listNamespacedCustomObject({ ...websites, namespace }), (items) =>
      items.some((w) => w.metadata?.name === name && w.status?.availableReplicas === replicas && readyCondition(w)?.status === 'True'),
    );

  beforeAll(async () => {
    // The whole cluster: the Deployment and ReplicaSet controllers, the scheduler and the fake kubelet roll Deployments
    // out, and the garbage collector deletes what a deleted Website owned.
    cluster = await startCluster({ crds: [fileURLToPath(new URL('./website-crd.yaml', import.meta.url))] });
    kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfig);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    operator = await startWebsiteOperator(kc, { onError: (err) => reconcileErrors.push(err) });
  });
  afterAll(async () => {
    await operator?.stop();
    await cluster?.close();
  });

  test('a Website is served by an owned Deployment; the Website reports its available replicas and turns Ready', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...websites,
      namespace,
      body: { apiVersion: websiteApiVersion, kind: 'Website', metadata: { name: 'blog' }, spec: { replicas: 2 } },
    })) as Website;
    // The schema defaulted the image.
    expect(created.spec).toEqual({ image: 'nginx:1.27', replicas: 2 });

    const [ready] = (await websitesReady('blog', 2)).filter((w) => w.metadata?.name === 'blog');
    expect(ready!.status).toEqual({
      observedGeneration: 1,
      availableReplicas: 2,
      conditions: [{
        type: 'Ready',
        status: 'True',
        observedGeneration: 1,
        lastTransitionTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        reason: 'DeploymentAvailable',
        message: '2/2 replicas available',
      }],
    });

    const deployment = await apps.readNamespacedDeployment({ name: 'blog', namespace });
    expect(deployment.metadata?.ownerReferences).toEqual([
      { apiVersion: websiteApiVersion, kind: 'Website', name: 'blog', uid: created.metadata?.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['nginx:1.27']);
    expect(deployment.status?.availableReplicas).toBe(2);
  });

  test('a spec change rolls out to the Deployment and the Website is Ready again at the new size', async () => {
    await custom.patchNamespacedCustomObject(
      { ...websites, namespace, name: 'blog', body: { spec: { replicas: 3, image: 'nginx:1.28' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const [ready] = (await websitesReady('blog', 3)).filter((w) => w.metadata?.name === 'blog');
    expect(ready!.status?.observedGeneration).toBe(2);
    expect(readyCondition(ready!)).toMatchObject({ status: 'True', observedGeneration: 2, message: '3/3 replicas available' });
    const deployment = await apps.readNamespacedDeployment({ name: 'blog', namespace });
    expect(deployment.spec?.template.spec?.containers.map((c) => c.image)).toEqual(['nginx:1.28']);
    expect(deployment.status?.updatedReplicas).toBe(3);
  });

  test('deleting the Website garbage-collects its Deployment', async () => {
    const gone = waitFor<k8s.V1Deployment>(kc, `/apis/apps/v1/namespaces/${namespace}/deployments`, () => apps.listNamespacedDeployment({ namespace }), (items) =>
      !items.some((d) => d.metadata?.name === 'blog'),
    );
    await custom.deleteNamespacedCustomObject({ ...websites, namespace, name: 'blog' });
    expect(await gone).toEqual([]);
    expect(reconcileErrors).toEqual([]);
  });
});
