// ControllerRevision hashes and names against what upstream's controllers produce for the same objects.
import { expect, test } from '@jest/globals';
import { startControllerTestbed } from '../../../test/controller-testbed.js';
import { controllerRevisionName, goJson, hashControllerRevision, templatePatch } from './controller-revision.js';
import { statefulSetController } from '../statefulset/statefulset.js';

// From kubernetes/kubernetes pkg/controller/statefulset/testdata/compatibility_revision_1.34.0.json.
const upstreamTemplate = {
  metadata: { annotations: { test: 'value' }, labels: { app: 'foo' } },
  spec: {
    containers: [
      { image: 'test', imagePullPolicy: 'Always', name: 'test', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};

test('the revision hash is upstream HashControllerRevision: FNV-1 of the sorted patch, then the collision count', () => {
  expect(hashControllerRevision(templatePatch(upstreamTemplate), 0)).toBe('776999688b');
  expect(hashControllerRevision(templatePatch(upstreamTemplate), 1)).not.toBe('776999688b');
  expect(controllerRevisionName('test', '776999688b')).toBe('test-776999688b');
  expect(controllerRevisionName('x'.repeat(300), 'h')).toBe(`${'x'.repeat(223)}-h`);
});

test('patch data is printed as Go prints a decoded map: sorted keys, HTML characters escaped', () => {
  expect(goJson({ b: 1, a: { d: '<&>', c: [2, 1] } })).toBe('{"a":{"c":[2,1],"d":"\\u003c\\u0026\\u003e"},"b":1}');
});

test('a StatefulSet created as in upstream compatibility test data gets the same revision name', async () => {
  const tb = await startControllerTestbed([statefulSetController()]);
  try {
    await tb.client.create('apps/v1', 'statefulsets', 'default', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'test', labels: { sslabel: 'value' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'foo' } },
        serviceName: '',
        template: { metadata: { annotations: { test: 'value' }, labels: { app: 'foo' } }, spec: { containers: [{ name: 'test', image: 'test' }] } },
      },
    });
    await tb.settle();
    const set = await tb.client.get('apps/v1', 'statefulsets', 'default', 'test');
    expect(set.status).toMatchObject({ currentRevision: 'test-776999688b', updateRevision: 'test-776999688b', collisionCount: 0 });
    const revision = await tb.client.get('apps/v1', 'controllerrevisions', 'default', 'test-776999688b');
    expect(revision.metadata.labels).toEqual({ app: 'foo', 'controller.kubernetes.io/hash': '776999688b' });
    expect(goJson(revision.data)).toBe(goJson(templatePatch(upstreamTemplate)));
    expect(revision.revision).toBe(1);
    expect(tb.errors).toEqual([]);
  } finally {
    await tb.close();
  }
});
