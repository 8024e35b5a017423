// Golden statuses after each kubelet stage: a plain pod, init containers with a sidecar, and Job-style pods.
import type { ControllerTestbed } from '../../test/controller-testbed.js';
import { at, condition, createPod, podEvents, podStatusOf, startKubeletTestbed } from './kubelet-test-kit.js';
import type { Stage } from './stage-engine.js';
import { defaultStages } from './stages.js';

const containerID = expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/);
const imageID = (repo: string) => expect.stringMatching(new RegExp(`^${repo.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`));
const host = { hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }] };
const podIP = { podIP: '10.244.1.2', podIPs: [{ ip: '10.244.1.2' }] };

function waiting(name: string, image: string, reason: string) {
  return { name, state: { waiting: { reason } }, lastState: {}, ready: false, restartCount: 0, image, imageID: '', started: false };
}

function running(name: string, repo: string, tag: string, sinceMs: number, extra: { ready?: boolean; started?: boolean } = {}) {
  return {
    name,
    state: { running: { startedAt: at(sinceMs) } },
    lastState: {},
    ready: extra.ready ?? true,
    restartCount: 0,
    image: `${repo}:${tag}`,
    imageID: imageID(repo),
    containerID,
    started: extra.started ?? true,
    resources: {},
  };
}

describe('a plain pod', () => {
  let tb: ControllerTestbed;
  beforeEach(async () => {
    tb = await startKubeletTestbed({ defaults: { sandboxReady: 1000, timeToRunning: 2000 } });
  });
  afterEach(() => tb.close());

  it('is admitted, gets its sandbox and IP, then runs and is Ready', async () => {
    await createPod(tb, 'web', [{ name: 'nginx', image: 'nginx:1.27' }]);
    await tb.settle();
    const unready = { reason: 'ContainersNotReady', message: 'containers with unready status: [nginx]' };
    expect(await podStatusOf(tb, 'web')).toEqual({
      observedGeneration: 1,
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'False', 0),
        condition('Initialized', 'True', 0),
        condition('Ready', 'False', 0, unready),
        condition('ContainersReady', 'False', 0, unready),
        condition('PodScheduled', 'True', 0),
      ],
      ...host,
      startTime: at(0),
      containerStatuses: [waiting('nginx', 'nginx:1.27', 'ContainerCreating')],
      qosClass: 'BestEffort',
    });

    await tb.advance(1000);
    expect(await podStatusOf(tb, 'web')).toEqual({
      observedGeneration: 1,
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'True', 1000),
        condition('Initialized', 'True', 0),
        condition('Ready', 'False', 0, unready),
        condition('ContainersReady', 'False', 0, unready),
        condition('PodScheduled', 'True', 0),
      ],
      ...host,
      ...podIP,
      startTime: at(0),
      containerStatuses: [waiting('nginx', 'nginx:1.27', 'ContainerCreating')],
      qosClass: 'BestEffort',
    });

    await tb.advance(1999);
    expect((await podStatusOf(tb, 'web')).phase).toBe('Pending');
    await tb.advance(1);
    expect(await podStatusOf(tb, 'web')).toEqual({
      observedGeneration: 1,
      phase: 'Running',
      conditions: [
        condition('PodReadyToStartContainers', 'True', 1000),
        condition('Initialized', 'True', 0),
        condition('Ready', 'True', 3000),
        condition('ContainersReady', 'True', 3000),
        condition('PodScheduled', 'True', 0),
      ],
      ...host,
      ...podIP,
      startTime: at(0),
      containerStatuses: [running('nginx', 'docker.io/library/nginx', '1.27', 3000)],
      qosClass: 'BestEffort',
    });

    const nginx = 'spec.containers{nginx}';
    expect((await podEvents(tb, 'web')).map(({ type, reason, message, fieldPath, firstTimestamp }) => ({ type, reason, message, fieldPath, firstTimestamp }))).toEqual([
      { type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx:1.27"', fieldPath: nginx, firstTimestamp: at(1000) },
      {
        type: 'Normal',
        reason: 'Pulled',
        message: expect.stringMatching(/^Successfully pulled image "nginx:1\.27" in 2s \(2s including waiting\)\. Image size: \d+ bytes\.$/),
        fieldPath: nginx,
        firstTimestamp: at(3000),
      },
      { type: 'Normal', reason: 'Created', message: 'Created container: nginx', fieldPath: nginx, firstTimestamp: at(3000) },
      { type: 'Normal', reason: 'Started', message: 'Started container nginx', fieldPath: nginx, firstTimestamp: at(3000) },
    ]);
    expect(tb.errors).toEqual([]);
  });

  it('records its events as the kubelet on its node, and a second pod finds the image already there', async () => {
    await createPod(tb, 'a', [{ name: 'c', image: 'nginx:1.27' }]);
    await tb.advance(3000);
    await createPod(tb, 'b', [{ name: 'c', image: 'nginx:1.27' }]);
    await tb.advance(3000);
    const events = await tb.client.list('v1', 'events', 'default');
    const pulledB = events.items.find((e) => (e.involvedObject as { name: string }).name === 'b' && e.reason === 'Pulled')!;
    expect(pulledB.message).toBe('Container image "nginx:1.27" already present on machine');
    expect(pulledB).toMatchObject({ source: { component: 'kubelet', host: 'node-1' }, reportingComponent: 'kubelet', reportingInstance: 'node-1' });
    expect(pulledB.involvedObject).toMatchObject({ kind: 'Pod', apiVersion: 'v1', name: 'b', namespace: 'default', fieldPath: 'spec.containers{c}' });
    expect((await podStatusOf(tb, 'b')).podIP).toBe('10.244.1.3');
  });

  it('sorts container statuses by name and reports volume mounts and resources', async () => {
    await tb.client.create('v1', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } });
    await createPod(
      tb,
      'two',
      [
        { name: 'zeta', image: 'busybox:1.36', resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } }, volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }] },
        { name: 'alpha', image: 'busybox:1.36' },
      ],
      { extraSpec: { volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] } },
    );
    await tb.advance(3000);
    const status = await podStatusOf(tb, 'two');
    expect(status.containerStatuses!.map((c) => c.name)).toEqual(['alpha', 'zeta']);
    expect(status.containerStatuses![1]).toMatchObject({
      allocatedResources: { cpu: '100m' },
      resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } },
      volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true, recursiveReadOnly: 'Disabled' }],
    });
    expect(status.qosClass).toBe('Burstable');
  });
});

describe('a pod with an init container and a native sidecar', () => {
  let tb: ControllerTestbed;
  beforeEach(async () => {
    tb = await startKubeletTestbed({ defaults: { sandboxReady: 1000, timeToRunning: 1000, runDuration: 2000 } });
  });
  afterEach(() => tb.close());

  it('runs the init container to completion, starts the sidecar, then the app', async () => {
    await createPod(tb, 'app', [{ name: 'app', image: 'registry.example.com/team/app:v1' }], {
      initContainers: [
        { name: 'migrate', image: 'busybox:1.36' },
        { name: 'proxy', image: 'envoyproxy/envoy:v1.31', restartPolicy: 'Always' },
      ],
    });
    await tb.settle();
    const notInitialized = { reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [migrate proxy]' };
    const unreadyBoth = { reason: 'ContainersNotReady', message: 'containers with unready status: [proxy app]' };
    const scheduled = condition('PodScheduled', 'True', 0);
    expect(await podStatusOf(tb, 'app')).toMatchObject({
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'False', 0),
        condition('Initialized', 'False', 0, notInitialized),
        condition('Ready', 'False', 0, unreadyBoth),
        condition('ContainersReady', 'False', 0, unreadyBoth),
        scheduled,
      ],
      initContainerStatuses: [waiting('migrate', 'busybox:1.36', 'PodInitializing'), waiting('proxy', 'envoyproxy/envoy:v1.31', 'PodInitializing')],
      containerStatuses: [waiting('app', 'registry.example.com/team/app:v1', 'PodInitializing')],
    });

    await tb.advance(2000);
    const migrateRunning = running('migrate', 'docker.io/library/busybox', '1.36', 2000, { ready: false });
    expect(await podStatusOf(tb, 'app')).toMatchObject({
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'True', 1000),
        condition('Initialized', 'False', 0, notInitialized),
        condition('Ready', 'False', 0, unreadyBoth),
        condition('ContainersReady', 'False', 0, unreadyBoth),
        scheduled,
      ],
      initContainerStatuses: [migrateRunning, waiting('proxy', 'envoyproxy/envoy:v1.31', 'PodInitializing')],
    });

    await tb.advance(2000);
    const migrateDone = {
      ...migrateRunning,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(2000), finishedAt: at(4000), containerID } },
      ready: true,
      started: false,
    };
    expect(await podStatusOf(tb, 'app')).toMatchObject({
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'True', 1000),
        condition('Initialized', 'False', 0, { reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [proxy]' }),
        condition('Ready', 'False', 0, unreadyBoth),
        condition('ContainersReady', 'False', 0, unreadyBoth),
        scheduled,
      ],
      initContainerStatuses: [migrateDone, waiting('proxy', 'envoyproxy/envoy:v1.31', 'PodInitializing')],
      containerStatuses: [waiting('app', 'registry.example.com/team/app:v1', 'PodInitializing')],
    });

    await tb.advance(1000);
    const unreadyApp = { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' };
    const proxyRunning = running('proxy', 'docker.io/envoyproxy/envoy', 'v1.31', 5000);
    expect(await podStatusOf(tb, 'app')).toMatchObject({
      phase: 'Pending',
      conditions: [
        condition('PodReadyToStartContainers', 'True', 1000),
        condition('Initialized', 'True', 5000),
        condition('Ready', 'False', 0, unreadyApp),
        condition('ContainersReady', 'False', 0, unreadyApp),
        scheduled,
      ],
      initContainerStatuses: [migrateDone, proxyRunning],
      containerStatuses: [waiting('app', 'registry.example.com/team/app:v1', 'PodInitializing')],
    });

    await tb.advance(1000);
    expect(await podStatusOf(tb, 'app')).toMatchObject({
      phase: 'Running',
      conditions: [
        condition('PodReadyToStartContainers', 'True', 1000),
        condition('Initialized', 'True', 5000),
        condition('Ready', 'True', 6000),
        condition('ContainersReady', 'True', 6000),
        scheduled,
      ],
      initContainerStatuses: [migrateDone, proxyRunning],
      containerStatuses: [running('app', 'registry.example.com/team/app', 'v1', 6000)],
    });
    const fieldPaths = (await podEvents(tb, 'app')).filter((e) => e.reason === 'Started').map((e) => e.fieldPath);
    expect(fieldPaths).toEqual(['spec.initContainers{migrate}', 'spec.initContainers{proxy}', 'spec.containers{app}']);
  });
});

describe('Job-style pods', () => {
  let tb: ControllerTestbed;
  beforeEach(async () => {
    tb = await startKubeletTestbed({ defaults: { sandboxReady: 1000, timeToRunning: 1000, runDuration: 3000 } });
  });
  afterEach(() => tb.close());

  it('run for runDuration, exit 0 and succeed; the sandbox goes away', async () => {
    await createPod(tb, 'job', [{ name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'echo done'] }], { restartPolicy: 'Never' });
    await tb.advance(2000);
    expect((await podStatusOf(tb, 'job')).phase).toBe('Running');
    await tb.advance(3000);
    const completed = { reason: 'PodCompleted' };
    expect(await podStatusOf(tb, 'job')).toEqual({
      observedGeneration: 1,
      phase: 'Succeeded',
      conditions: [
        condition('PodReadyToStartContainers', 'False', 5000),
        condition('Initialized', 'True', 0, completed),
        condition('Ready', 'False', 5000, completed),
        condition('ContainersReady', 'False', 5000, completed),
        condition('PodScheduled', 'True', 0),
      ],
      ...host,
      ...podIP,
      startTime: at(0),
      containerStatuses: [
        {
          ...running('work', 'docker.io/library/busybox', '1.36', 2000),
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(2000), finishedAt: at(5000), containerID } },
          ready: false,
          started: false,
        },
      ],
      qosClass: 'BestEffort',
    });
    // A finished pod is left alone: nothing is due any more.
    await tb.advance(60_000);
    expect((await podStatusOf(tb, 'job')).phase).toBe('Succeeded');
  });

  it('fail with the exit code an annotation gives, and OnFailure restarts instead', async () => {
    await createPod(tb, 'never', [{ name: 'work', image: 'busybox:1.36' }], { restartPolicy: 'Never', annotations: { 'kubefake.dev/exit-code': '3' } });
    await createPod(tb, 'onfailure', [{ name: 'work', image: 'busybox:1.36' }], { restartPolicy: 'OnFailure', annotations: { 'kubefake.dev/exit-code': '3' } });
    await tb.advance(5000);
    const failed = await podStatusOf(tb, 'never');
    expect(failed.phase).toBe('Failed');
    expect(failed.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(failed.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
    expect(failed.conditions!.find((c) => c.type === 'Initialized')).toEqual(condition('Initialized', 'True', 0));
    await tb.advance(1000);
    const restarted = await podStatusOf(tb, 'onfailure');
    expect(restarted.phase).toBe('Running');
    expect(restarted.containerStatuses![0]).toMatchObject({ restartCount: 1, lastState: { terminated: { exitCode: 3, reason: 'Error' } } });
  });
});

describe('new behaviour as data', () => {
  it('takes an extra stage: here, containers of pods labelled flaky exit with their exit code after 3s', async () => {
    const flaky: Stage = {
      name: 'flaky-exit',
      scope: 'container',
      selector: [
        { key: "pod.metadata.labels['example.com/flaky']", operator: 'In', values: ['true'] },
        { key: 'pod.metadata.deletionTimestamp', operator: 'DoesNotExist' },
        { key: 'status.state.running', operator: 'Exists' },
      ],
      delay: { ms: 3000 },
      action: 'exit',
    };
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 0 }, stages: [...defaultStages, flaky] });
    try {
      await tb.client.create('v1', 'pods', 'default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'flaky', labels: { 'example.com/flaky': 'true' }, annotations: { 'kubefake.dev/exit-code': '2' } },
        spec: { nodeName: 'node-1', restartPolicy: 'Always', containers: [{ name: 'c', image: 'busybox:1.36' }] },
      });
      await tb.advance(3000);
      expect(await podStatusOf(tb, 'flaky')).toMatchObject({
        phase: 'Running',
        containerStatuses: [{ state: { running: { startedAt: at(3000) } }, restartCount: 1, lastState: { terminated: { exitCode: 2, reason: 'Error', finishedAt: at(3000) } } }],
      });
    } finally {
      await tb.close();
    }
  });
});

describe('a pod whose spec changes', () => {
  it('restarts a container whose image changed and reports the new generation', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000 } });
    try {
      await createPod(tb, 'web', [{ name: 'web', image: 'nginx:1.27' }]);
      await tb.advance(5000);
      await tb.client.patch('v1', 'pods', 'default', 'web', 'strategic', { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } });
      await tb.settle();
      let status = await podStatusOf(tb, 'web');
      expect(status.observedGeneration).toBe(2);
      expect(status.conditions!.every((c) => c.observedGeneration === 2)).toBe(true);
      expect(status.containerStatuses![0]).toMatchObject({ state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: at(5000) } }, image: 'docker.io/library/nginx:1.27' });
      await tb.advance(1000);
      status = await podStatusOf(tb, 'web');
      expect(status.containerStatuses![0]).toMatchObject({
        state: { running: { startedAt: at(6000) } },
        restartCount: 1,
        image: 'docker.io/library/nginx:1.28',
        lastState: { terminated: { exitCode: 0, reason: 'Completed' } },
      });
      const killing = (await podEvents(tb, 'web')).filter((e) => e.reason === 'Killing').map((e) => e.message);
      expect(killing).toEqual(['Container web definition changed, will be restarted']);
    } finally {
      await tb.close();
    }
  });
});
