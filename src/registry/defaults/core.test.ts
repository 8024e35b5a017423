// Tests for core/v1 defaulting of everything but pods, following upstream core/v1 defaults_test.go.
import type { KubeObject } from '../../meta/types.js';
import {
  addNamespaceFinalizer,
  defaultConfigMap,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from './core.js';
import { defaulted, expectIdempotent, expectTolerant } from './test-helpers.js';

const podTemplate = { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };

describe('defaultReplicationController', () => {
  it('copies template labels into the selector and labels, and defaults replicas and the template', () => {
    const rc = defaulted(defaultReplicationController, { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template: podTemplate } });
    expect(rc).toEqual({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'rc', labels: { app: 'rc' } },
      spec: {
        replicas: 1,
        selector: { app: 'rc' },
        template: {
          metadata: { labels: { app: 'rc' } },
          spec: {
            containers: [
              { name: 'c', image: 'nginx:1', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} },
            ],
            dnsPolicy: 'ClusterFirst',
            restartPolicy: 'Always',
            securityContext: {},
            terminationGracePeriodSeconds: 30,
            schedulerName: 'default-scheduler',
          },
        },
      },
    });
  });

  it('keeps an explicit selector and labels, and adds nothing without a template', () => {
    const rc = defaulted(defaultReplicationController, { metadata: { labels: { x: 'y' } }, spec: { selector: { a: 'b' }, template: podTemplate, replicas: 0 } });
    expect(rc.metadata.labels).toEqual({ x: 'y' });
    expect(rc.spec).toMatchObject({ selector: { a: 'b' }, replicas: 0 });
    expect(defaulted(defaultReplicationController, { metadata: {} })).toEqual({ metadata: {}, spec: { replicas: 1 } });
  });
});

describe('defaultService', () => {
  const svc = (spec: object): object => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });

  it('defaults a ClusterIP service', () => {
    expect(defaulted(defaultService, svc({ selector: { app: 'a' }, ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] })).spec).toEqual({
      selector: { app: 'a' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 53, protocol: 'UDP', targetPort: 'dns' },
      ],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('defaults NodePort and LoadBalancer traffic policies', () => {
    expect(defaulted(defaultService, svc({ type: 'NodePort', ports: [{ port: 80, targetPort: 0 }] })).spec).toEqual({
      type: 'NodePort',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    });
    expect(defaulted(defaultService, svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' })).spec).toEqual({
      type: 'LoadBalancer',
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Cluster',
      allocateLoadBalancerNodePorts: true,
    });
  });

  it('treats a ClusterIP service with external IPs as externally accessible', () => {
    expect(defaulted(defaultService, svc({ externalIPs: ['1.2.3.4'] })).spec).toMatchObject({ externalTrafficPolicy: 'Cluster' });
  });

  it('gives ExternalName services no traffic policies', () => {
    expect(defaulted(defaultService, svc({ type: 'ExternalName', externalName: 'example.com' })).spec).toEqual({
      type: 'ExternalName',
      externalName: 'example.com',
      sessionAffinity: 'None',
    });
  });

  it('defaults ClientIP affinity timeouts and drops config for None', () => {
    expect(defaulted(defaultService, svc({ sessionAffinity: 'ClientIP' })).spec).toMatchObject({
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
    expect(defaulted(defaultService, svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })).spec).toMatchObject({
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
    });
    expect(defaulted(defaultService, svc({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } })).spec).not.toHaveProperty('sessionAffinityConfig');
  });

  it('defaults the ipMode of load balancer ingress points with an IP', () => {
    const obj = defaulted(defaultService, {
      metadata: {},
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }, { hostname: 'lb.example.com' }, { ip: '10.0.0.2', ipMode: 'Proxy' }] } },
    });
    expect(obj.status).toEqual({
      loadBalancer: { ingress: [{ ip: '10.0.0.1', ipMode: 'VIP' }, { hostname: 'lb.example.com' }, { ip: '10.0.0.2', ipMode: 'Proxy' }] },
    });
  });
});

describe('volumes and claims', () => {
  it('defaults a PersistentVolumeClaim', () => {
    expect(defaulted(defaultPersistentVolumeClaim, { metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })).toEqual({
      metadata: { name: 'c' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
  });

  it('defaults a PersistentVolume and its source', () => {
    expect(defaulted(defaultPersistentVolume, { metadata: { name: 'v' }, spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/d' } } })).toEqual({
      metadata: { name: 'v' },
      spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/d', type: '' }, persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
    const rbd = defaulted(defaultPersistentVolume, { metadata: {}, spec: { rbd: { monitors: ['m'], image: 'i' }, volumeMode: 'Block' } });
    expect(rbd.spec).toMatchObject({ volumeMode: 'Block', rbd: { pool: 'rbd', user: 'admin', keyring: '/etc/ceph/keyring' } });
  });
});

describe('namespaces, secrets, configmaps, endpoints, nodes', () => {
  it('labels a namespace with its name and starts it Active', () => {
    expect(defaulted(defaultNamespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'other' } } })).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team', labels: { 'kubernetes.io/metadata.name': 'team' } },
      status: { phase: 'Active' },
    });
    expect(defaulted(defaultNamespace, { metadata: { generateName: 'ns-' } })).toEqual({ metadata: { generateName: 'ns-' }, status: { phase: 'Active' } });
  });

  it('adds the kubernetes finalizer on namespace create', () => {
    expect(defaulted(addNamespaceFinalizer, { metadata: {} }).spec).toEqual({ finalizers: ['kubernetes'] });
    expect(defaulted(addNamespaceFinalizer, { metadata: {}, spec: { finalizers: ['a'] } }).spec).toEqual({ finalizers: ['a', 'kubernetes'] });
    expect(defaulted(addNamespaceFinalizer, { metadata: {}, spec: { finalizers: ['kubernetes'] } }).spec).toEqual({ finalizers: ['kubernetes'] });
  });

  it('defaults a secret to Opaque and folds stringData into data', () => {
    expect(defaulted(defaultSecret, { metadata: { name: 's' }, data: { a: 'eA==', b: 'eA==' }, stringData: { b: 'héllo' } })).toEqual({
      metadata: { name: 's' },
      type: 'Opaque',
      data: { a: 'eA==', b: Buffer.from('héllo').toString('base64') },
    });
    expect(defaulted(defaultSecret, { metadata: {}, type: 'kubernetes.io/tls' })).toEqual({ metadata: {}, type: 'kubernetes.io/tls' });
  });

  it('leaves configmaps as they are', () => {
    expect(defaulted(defaultConfigMap, { metadata: { name: 'c' }, data: { a: 'b' } })).toEqual({ metadata: { name: 'c' }, data: { a: 'b' } });
  });

  it('defaults endpoint port protocols', () => {
    expect(defaulted(defaultEndpoints, { metadata: {}, subsets: [{ addresses: [{ ip: '1.1.1.1' }], ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] })).toEqual({
      metadata: {},
      subsets: [{ addresses: [{ ip: '1.1.1.1' }], ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }],
    });
  });

  it('copies node capacity to allocatable when it is missing', () => {
    const node = defaulted(defaultNode, { metadata: { name: 'n' }, status: { capacity: { cpu: '4', pods: '110' } } });
    expect(node.status).toEqual({ capacity: { cpu: '4', pods: '110' }, allocatable: { cpu: '4', pods: '110' } });
    expect(defaulted(defaultNode, { metadata: { name: 'n' } })).toEqual({ metadata: { name: 'n' } });
  });
});

describe('defaultLimitRange', () => {
  it('fills container defaults from max, default and min', () => {
    const lr = defaulted(defaultLimitRange, {
      metadata: {},
      spec: {
        limits: [
          { type: 'Container', max: { cpu: '2', memory: '1Gi' }, min: { cpu: '100m', 'ephemeral-storage': '1Gi' }, default: { cpu: '1' } },
          { type: 'Pod', max: { cpu: '4' } },
          { type: 'Container' },
        ],
      },
    });
    expect(lr.spec).toEqual({
      limits: [
        {
          type: 'Container',
          max: { cpu: '2', memory: '1Gi' },
          min: { cpu: '100m', 'ephemeral-storage': '1Gi' },
          default: { cpu: '1', memory: '1Gi' },
          defaultRequest: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '1Gi' },
        },
        { type: 'Pod', max: { cpu: '4' } },
        { type: 'Container' },
      ],
    });
  });
});

describe('core defaulters', () => {
  const cases: [string, (obj: KubeObject) => void, object][] = [
    ['ReplicationController', defaultReplicationController, { metadata: { labels: {} }, spec: { selector: {}, template: podTemplate } }],
    ['Service', defaultService, { metadata: {}, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: {} }, ports: [{ port: 1 }], externalIPs: ['a'] }, status: { loadBalancer: { ingress: [{ ip: 'x' }] } } }],
    ['PersistentVolumeClaim', defaultPersistentVolumeClaim, { metadata: {}, spec: { resources: { requests: { storage: '1' } } }, status: {} }],
    ['PersistentVolume', defaultPersistentVolume, { metadata: {}, spec: { iscsi: {}, azureDisk: {}, scaleIO: {} }, status: {} }],
    ['Namespace', defaultNamespace, { metadata: { name: 'n', labels: { a: 'b' } }, status: {} }],
    ['Secret', defaultSecret, { metadata: {}, data: { a: 'eA==' }, stringData: { b: 'c' } }],
    ['Endpoints', defaultEndpoints, { metadata: {}, subsets: [{ ports: [{ port: 1 }] }] }],
    ['Node', defaultNode, { metadata: {}, status: { capacity: { cpu: '1' } } }],
    ['LimitRange', defaultLimitRange, { metadata: {}, spec: { limits: [{ type: 'Container', max: { cpu: '1' }, min: { memory: '1' }, default: {}, defaultRequest: {} }] } }],
    ['Namespace finalizer', addNamespaceFinalizer, { metadata: {}, spec: { finalizers: ['x'] } }],
  ];

  it.each(cases)('%s defaulting is idempotent', (_kind, fn, obj) => {
    expectIdempotent(fn, obj);
  });

  it.each(cases)('%s defaulting tolerates malformed input', (_kind, fn, obj) => {
    expectTolerant(fn, obj);
  });
});
