// Tests for apps/v1 defaulting, with expected objects as a 1.33+ apiserver returns them.
import type { KubeObject } from '../../meta/types.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.js';
import { defaulted, expectIdempotent, expectTolerant } from './test-helpers.js';

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
};

const defaultedTemplate = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  },
};

const selector = { matchLabels: { app: 'web' } };

function workload(kind: string, extra: object = {}): object {
  return { apiVersion: 'apps/v1', kind, metadata: { name: 'web', namespace: 'default' }, spec: { selector, template, ...extra } };
}

describe('defaultDeployment', () => {
  it('defaults a minimal deployment', () => {
    expect(defaulted(defaultDeployment, workload('Deployment'))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector,
        template: defaultedTemplate,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    });
  });

  it('leaves a Recreate strategy without rollingUpdate and keeps explicit values', () => {
    const deployment = defaulted(
      defaultDeployment,
      workload('Deployment', { replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 }),
    );
    expect(deployment.spec).toMatchObject({ replicas: 0, strategy: { type: 'Recreate' }, revisionHistoryLimit: 0 });
    expect((deployment.spec as { strategy: object }).strategy).not.toHaveProperty('rollingUpdate');
  });

  it('fills only the missing half of rollingUpdate', () => {
    const deployment = defaulted(defaultDeployment, workload('Deployment', { strategy: { rollingUpdate: { maxSurge: 2 } } }));
    expect(deployment.spec).toMatchObject({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: '25%' } } });
  });

  it('does not default the selector', () => {
    const deployment = defaulted(defaultDeployment, { metadata: {}, spec: { template } });
    expect(deployment.spec).not.toHaveProperty('selector');
  });
});

describe('defaultReplicaSet', () => {
  it('defaults replicas and the template', () => {
    expect(defaulted(defaultReplicaSet, workload('ReplicaSet')).spec).toEqual({ replicas: 1, selector, template: defaultedTemplate });
  });
});

describe('defaultStatefulSet', () => {
  it('defaults a minimal statefulset, claim templates included', () => {
    const sts = defaulted(
      defaultStatefulSet,
      workload('StatefulSet', {
        serviceName: 'web',
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        ],
      }),
    );
    expect(sts.spec).toEqual({
      serviceName: 'web',
      selector,
      template: defaultedTemplate,
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ],
    });
  });

  it('gives an explicit RollingUpdate without rollingUpdate no partition', () => {
    const sts = defaulted(defaultStatefulSet, workload('StatefulSet', { updateStrategy: { type: 'RollingUpdate' } }));
    expect((sts.spec as { updateStrategy: object }).updateStrategy).toEqual({ type: 'RollingUpdate' });
  });

  it('leaves OnDelete alone and fills a partial retention policy', () => {
    const sts = defaulted(
      defaultStatefulSet,
      workload('StatefulSet', {
        updateStrategy: { type: 'OnDelete' },
        podManagementPolicy: 'Parallel',
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' },
      }),
    );
    expect(sts.spec).toMatchObject({
      updateStrategy: { type: 'OnDelete' },
      podManagementPolicy: 'Parallel',
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
  });
});

describe('defaultDaemonSet', () => {
  it('defaults a minimal daemonset', () => {
    expect(defaulted(defaultDaemonSet, workload('DaemonSet')).spec).toEqual({
      selector,
      template: defaultedTemplate,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
  });

  it('leaves OnDelete alone', () => {
    const ds = defaulted(defaultDaemonSet, workload('DaemonSet', { updateStrategy: { type: 'OnDelete' } }));
    expect((ds.spec as { updateStrategy: object }).updateStrategy).toEqual({ type: 'OnDelete' });
  });
});

describe('apps defaulters', () => {
  const cases: [string, (obj: KubeObject) => void, object][] = [
    ['Deployment', defaultDeployment, workload('Deployment', { strategy: { rollingUpdate: { maxSurge: 1 } } })],
    ['ReplicaSet', defaultReplicaSet, workload('ReplicaSet')],
    [
      'StatefulSet',
      defaultStatefulSet,
      workload('StatefulSet', { updateStrategy: { rollingUpdate: { partition: 1 } }, volumeClaimTemplates: [{ spec: {}, status: {} }] }),
    ],
    ['DaemonSet', defaultDaemonSet, workload('DaemonSet', { updateStrategy: { rollingUpdate: {} } })],
  ];

  it.each(cases)('%s defaulting is idempotent', (_kind, fn, obj) => {
    expectIdempotent(fn, obj);
  });

  it.each(cases)('%s defaulting tolerates malformed input', (_kind, fn, obj) => {
    expectTolerant(fn, obj);
  });
});
