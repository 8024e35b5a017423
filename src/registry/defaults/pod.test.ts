// Tests for pod defaulting: expected objects are what a 1.33+ apiserver returns for the same input.
import { defaultPod, defaultPodSpec, defaultPodTemplate } from './pod.js';
import { defaulted, expectIdempotent, expectTolerant } from './test-helpers.js';

const containerDefaults = {
  imagePullPolicy: 'Always',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
};

const podSpecDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};

const minimalPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
};

const richPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'rich', namespace: 'default' },
  spec: {
    hostNetwork: true,
    serviceAccount: 'builder',
    initContainers: [
      { name: 'init', image: 'busybox:1.36', resources: { limits: { cpu: '100m' } }, ports: [{ containerPort: 81, hostPort: 8081 }] },
    ],
    containers: [
      {
        name: 'app',
        image: 'registry.example.com:5000/team/app:v2',
        ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }],
        env: [
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'PLAIN', value: 'x' },
        ],
        resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
        livenessProbe: { httpGet: { port: 8080 } },
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, timeoutSeconds: 0 },
        startupProbe: { grpc: { port: 9090 } },
        lifecycle: { preStop: { httpGet: { port: 8080, path: '/quit' } }, postStart: { exec: { command: ['true'] } } },
      },
    ],
    ephemeralContainers: [{ name: 'debug', image: 'busybox@sha256:' + 'a'.repeat(64) }],
    volumes: [
      { name: 'scratch' },
      { name: 'creds', secret: { secretName: 's' } },
      { name: 'conf', configMap: { name: 'c', defaultMode: 256 } },
      { name: 'host', hostPath: { path: '/var/log' } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      {
        name: 'token',
        projected: {
          sources: [
            { serviceAccountToken: { path: 'token' } },
            { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
            { configMap: { name: 'kube-root-ca.crt' } },
          ],
        },
      },
      {
        name: 'claim',
        ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
      },
    ],
  },
};

describe('defaultPod', () => {
  it('fills the defaults a real apiserver shows for a minimal pod', () => {
    expect(defaulted(defaultPod, minimalPod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx', ...containerDefaults }],
        ...podSpecDefaults,
        enableServiceLinks: true,
      },
    });
  });

  it('defaults every nested container, probe, env and volume field', () => {
    const pod = defaulted(defaultPod, richPod);
    expect(pod.spec).toEqual({
      hostNetwork: true,
      serviceAccount: 'builder',
      serviceAccountName: 'builder',
      enableServiceLinks: true,
      ...podSpecDefaults,
      initContainers: [
        {
          name: 'init',
          image: 'busybox:1.36',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: { limits: { cpu: '100m' }, requests: { cpu: '100m' } },
          ports: [{ containerPort: 81, hostPort: 8081, protocol: 'TCP' }],
        },
      ],
      containers: [
        {
          name: 'app',
          image: 'registry.example.com:5000/team/app:v2',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          ports: [
            { containerPort: 8080, hostPort: 8080, protocol: 'TCP' },
            { containerPort: 53, hostPort: 53, protocol: 'UDP' },
          ],
          env: [
            { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
            { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
            { name: 'PLAIN', value: 'x' },
          ],
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '128Mi' } },
          livenessProbe: {
            httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          startupProbe: {
            grpc: { port: 9090, service: '' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          lifecycle: {
            preStop: { httpGet: { port: 8080, path: '/quit', scheme: 'HTTP' } },
            postStart: { exec: { command: ['true'] } },
          },
        },
      ],
      ephemeralContainers: [
        {
          name: 'debug',
          image: 'busybox@sha256:' + 'a'.repeat(64),
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
        },
      ],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'creds', secret: { secretName: 's', defaultMode: 420 } },
        { name: 'conf', configMap: { name: 'c', defaultMode: 256 } },
        { name: 'host', hostPath: { path: '/var/log', type: '' } },
        {
          name: 'info',
          downwardAPI: { defaultMode: 420, items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] },
        },
        {
          name: 'token',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
              { downwardAPI: { items: [{ path: 'ns', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
              { configMap: { name: 'kube-root-ca.crt' } },
            ],
          },
        },
        {
          name: 'claim',
          ephemeral: {
            volumeClaimTemplate: {
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
            },
          },
        },
      ],
    });
  });

  it('keeps explicit values', () => {
    const pod = defaulted(defaultPod, {
      metadata: { name: 'p' },
      spec: {
        containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError' }],
        restartPolicy: 'Never',
        dnsPolicy: 'Default',
        terminationGracePeriodSeconds: 0,
        enableServiceLinks: false,
        securityContext: { runAsUser: 1000 },
        schedulerName: 'custom',
      },
    });
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Never',
      dnsPolicy: 'Default',
      terminationGracePeriodSeconds: 0,
      enableServiceLinks: false,
      securityContext: { runAsUser: 1000 },
      schedulerName: 'custom',
    });
    expect((pod.spec as { containers: object[] }).containers[0]).toMatchObject({
      imagePullPolicy: 'Never',
      terminationMessagePolicy: 'FallbackToLogsOnError',
    });
  });

  it('does not add requests when limits are empty', () => {
    const pod = defaulted(defaultPod, { metadata: {}, spec: { containers: [{ name: 'c', image: 'x', resources: { limits: {} } }] } });
    expect((pod.spec as { containers: object[] }).containers[0]).toMatchObject({ resources: { limits: {} } });
    expect((pod.spec as { containers: { resources: object }[] }).containers[0]?.resources).not.toHaveProperty('requests');
  });

  it('creates the spec defaults even when the spec is missing', () => {
    expect(defaulted(defaultPod, { metadata: { name: 'p' } }).spec).toEqual({ ...podSpecDefaults, enableServiceLinks: true });
  });

  it('defaults the pull policy of image volumes', () => {
    const pod = defaulted(defaultPod, {
      metadata: {},
      spec: { containers: [], volumes: [{ name: 'a', image: { reference: 'quay.io/x/y:1' } }, { name: 'b', image: { reference: 'x' } }] },
    });
    expect(pod.spec).toMatchObject({
      volumes: [
        { name: 'a', image: { reference: 'quay.io/x/y:1', pullPolicy: 'IfNotPresent' } },
        { name: 'b', image: { reference: 'x', pullPolicy: 'Always' } },
      ],
    });
  });

  it('is idempotent', () => {
    expectIdempotent(defaultPod, minimalPod);
    expectIdempotent(defaultPod, richPod);
  });

  it('never throws on malformed input', () => {
    expectTolerant(defaultPod, richPod);
    for (const bad of [null, 'x', 1, [], true]) {
      expect(() => defaultPod({ metadata: {}, spec: bad } as never)).not.toThrow();
      expect(() => defaultPod(bad as never)).not.toThrow();
    }
  });
});

describe('defaultPodSpec and pod templates', () => {
  it('applies spec defaults but none of the pod-only ones', () => {
    const spec = {
      hostNetwork: true,
      containers: [{ name: 'c', image: 'nginx:latest', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }],
    };
    defaultPodSpec(spec);
    expect(spec).toEqual({
      hostNetwork: true,
      containers: [
        { name: 'c', image: 'nginx:latest', ...containerDefaults, ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { limits: { cpu: '1' } } },
      ],
      ...podSpecDefaults,
    });
  });

  it('defaults a PodTemplate object', () => {
    const template = defaulted(defaultPodTemplate, {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: 't' },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    });
    expect(template.template).toEqual({
      metadata: { labels: { a: 'b' } },
      spec: { containers: [{ name: 'c', image: 'nginx', ...containerDefaults }], ...podSpecDefaults },
    });
  });

  it('ignores non-object specs', () => {
    for (const bad of [null, undefined, 'x', 3, []]) expect(() => defaultPodSpec(bad)).not.toThrow();
  });
});
