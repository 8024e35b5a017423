// The root CA publisher: kube-root-ca.crt in every namespace, with the cluster CA, restored when edited or deleted.
import { X509Certificate } from 'node:crypto';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { clusterCACertificatePem } from '../../tls/cluster-ca.js';
import { rootCACertPublisherController } from './root-ca-cert-publisher.js';

let tb: ControllerTestbed;
let pem: string;
beforeEach(async () => {
  pem = await clusterCACertificatePem();
  tb = await startControllerTestbed([rootCACertPublisherController({ caCertificate: clusterCACertificatePem })]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

const rootCA = (namespace: string) => tb.client.get('v1', 'configmaps', namespace, 'kube-root-ca.crt') as Promise<KubeObject & { data?: Record<string, string> }>;

test('every namespace, seeded or new, gets kube-root-ca.crt with the cluster CA', async () => {
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'team' } });
  await tb.settle();
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'team']) {
    const cm = await rootCA(ns);
    expect(cm.data).toEqual({ 'ca.crt': pem });
    expect(cm.metadata.annotations).toEqual({ 'kubernetes.io/description': description });
  }
  expect(new X509Certificate((await rootCA('team')).data!['ca.crt']!).subject).toBe('CN=kubefake-ca');
});

test('an edited or deleted kube-root-ca.crt is put back; other edits to it stay', async () => {
  await tb.client.patch('v1', 'configmaps', 'default', 'kube-root-ca.crt', 'merge', {
    data: { 'ca.crt': 'tampered', extra: 'x' },
    metadata: { labels: { mine: 'yes' }, annotations: { 'kubernetes.io/description': null } },
  });
  await tb.settle();
  const restored = await rootCA('default');
  expect(restored.data).toEqual({ 'ca.crt': pem });
  expect(restored.metadata.annotations).toEqual({ 'kubernetes.io/description': description });
  expect(restored.metadata.labels).toEqual({ mine: 'yes' });

  const before = restored.metadata.uid;
  await tb.client.delete('v1', 'configmaps', 'default', 'kube-root-ca.crt');
  await tb.settle();
  const recreated = await rootCA('default');
  expect(recreated.metadata.uid).not.toBe(before);
  expect(recreated.data).toEqual({ 'ca.crt': pem });
});

test('a terminating namespace does not get it back', async () => {
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'leaving' } });
  await tb.settle();
  await tb.client.delete('v1', 'namespaces', undefined, 'leaving');
  await tb.client.delete('v1', 'configmaps', 'leaving', 'kube-root-ca.crt');
  await tb.settle();
  expect((await tb.client.list('v1', 'configmaps', 'leaving')).items).toEqual([]);
});
