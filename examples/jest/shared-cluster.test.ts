// The run's shared server (kubefake/jest/global-setup) with a fresh namespace per test: tests cannot see each other's objects.
import * as k8s from '@kubernetes/client-node';
import { useNamespace } from 'kubefake/jest';

const namespace = useNamespace();

// The global setup pointed KUBECONFIG at the shared server before any test file loaded.
const kc = new k8s.KubeConfig();
kc.loadFromDefault();
const core = kc.makeApiClient(k8s.CoreV1Api);

const seen: string[] = [];

test('a ConfigMap lives in this test\'s namespace', async () => {
  seen.push(namespace.name);
  await core.createNamespacedConfigMap({ namespace: namespace.name, body: { metadata: { name: 'settings' }, data: { mode: 'fast' } } });
  const list = await core.listNamespacedConfigMap({ namespace: namespace.name });
  expect(list.items.map((cm) => cm.metadata?.name)).toContain('settings');
});

test('the next test has a namespace of its own, named after it, without the first test\'s ConfigMap', async () => {
  seen.push(namespace.name);
  expect(namespace.name).toMatch(/^test-the-next-test-has-a-namespace-of-its-own-[a-z0-9-]*$/);
  expect(seen[0]).not.toBe(seen[1]);
  const list = await core.listNamespacedConfigMap({ namespace: namespace.name });
  expect(list.items.map((cm) => cm.metadata?.name)).not.toContain('settings');
});
