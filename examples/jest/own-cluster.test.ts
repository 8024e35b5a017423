// useCluster(): a cluster private to this file (parallel workers never share one), reset to its start state before each test.
import * as k8s from '@kubernetes/client-node';
import { useCluster } from 'kubefake/jest';

const kube = useCluster({ resetBetweenTests: true });

test('a Deployment rolls out: its ReplicaSet and pods exist once the cluster settles', async () => {
  const apps = kube.kubeConfig.makeApiClient(k8s.AppsV1Api);
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    },
  });
  // The controllers run in-process: settle() resolves once they are all idle, so nothing is polled.
  await kube.cluster.settle();
  const replicaSets = await apps.listNamespacedReplicaSet({ namespace: 'default', labelSelector: 'app=web' });
  expect(replicaSets.items).toHaveLength(1);
  expect(replicaSets.items[0]?.spec?.replicas).toBe(2);
});

test('each test starts from the cluster as it was started: the previous test left nothing behind', async () => {
  const apps = kube.kubeConfig.makeApiClient(k8s.AppsV1Api);
  const deployments = await apps.listNamespacedDeployment({ namespace: 'default' });
  expect(deployments.items).toEqual([]);
});

test('the in-process client and HTTP clients see the same objects', async () => {
  await kube.client.create('v1', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast' } });
  const core = kube.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const read = await core.readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
  expect(read.data).toEqual({ mode: 'fast' });
});
