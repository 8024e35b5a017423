// Graceful deletion: Killing, preStop sleeps within the grace period, the final status, then the kubelet's own delete.
import type { ControllerTestbed } from '../../test/controller-testbed.js';
import { at, condition, createPod, podEvents, startKubeletTestbed, watchPod } from './kubelet-test-kit.js';
import type { ContainerStatus, PodStatus } from './pod-types.js';

const containerID = expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/);

async function exists(tb: ControllerTestbed, name: string): Promise<boolean> {
  try {
    await tb.client.get('v1', 'pods', 'default', name);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return false;
    throw err;
  }
}

describe('graceful deletion', () => {
  let tb: ControllerTestbed;
  beforeEach(async () => {
    tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000 } });
  });
  afterEach(() => tb.close());

  it('stops a container without preStop at once, writes the terminal status, then deletes the pod for good', async () => {
    const created = await createPod(tb, 'web', [{ name: 'nginx', image: 'nginx:1.27' }]);
    await tb.advance(10_000);
    const history = await watchPod(tb, 'web');
    await tb.client.delete('v1', 'pods', 'default', 'web');
    await tb.settle();
    history.stop();
    expect(await exists(tb, 'web')).toBe(false);
    expect(history.seen.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED', 'DELETED']);
    const final = history.seen[1]!.pod;
    expect(final.metadata).toMatchObject({ uid: created.metadata.uid, deletionTimestamp: at(40_000), deletionGracePeriodSeconds: 30 });
    const completed = { reason: 'PodCompleted' };
    expect(final.status).toEqual({
      observedGeneration: 1,
      phase: 'Succeeded',
      conditions: [
        condition('PodReadyToStartContainers', 'False', 10_000),
        condition('Initialized', 'True', 0, completed),
        condition('Ready', 'False', 10_000, completed),
        condition('ContainersReady', 'False', 10_000, completed),
        condition('PodScheduled', 'True', 0),
      ],
      hostIP: '172.18.0.2',
      hostIPs: [{ ip: '172.18.0.2' }],
      podIP: '10.244.1.2',
      podIPs: [{ ip: '10.244.1.2' }],
      startTime: at(0),
      containerStatuses: [
        {
          name: 'nginx',
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: at(1000), finishedAt: at(10_000), containerID } },
          lastState: {},
          ready: false,
          restartCount: 0,
          image: 'docker.io/library/nginx:1.27',
          imageID: expect.stringMatching(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/),
          containerID,
          started: false,
          resources: {},
        },
      ],
      qosClass: 'BestEffort',
    });
    expect((await podEvents(tb, 'web')).filter((e) => e.reason === 'Killing')).toEqual([
      expect.objectContaining({ type: 'Normal', message: 'Stopping container nginx', fieldPath: 'spec.containers{nginx}', firstTimestamp: at(10_000) }),
    ]);
    expect(tb.errors).toEqual([]);
  });

  it('keeps the pod running through a preStop sleep and deletes it when the sleep is over', async () => {
    await createPod(tb, 'web', [{ name: 'nginx', image: 'nginx:1.27', lifecycle: { preStop: { sleep: { seconds: 5 } } } }]);
    await tb.advance(10_000);
    await tb.client.delete('v1', 'pods', 'default', 'web');
    await tb.settle();
    expect((await podEvents(tb, 'web')).some((e) => e.reason === 'Killing' && e.firstTimestamp === at(10_000))).toBe(true);
    await tb.advance(4999);
    const pod = await tb.client.get('v1', 'pods', 'default', 'web');
    expect((pod.status as PodStatus).phase).toBe('Running');
    expect((pod.status as PodStatus).containerStatuses![0]).toMatchObject({ state: { running: {} }, ready: true });
    await tb.advance(1);
    expect(await exists(tb, 'web')).toBe(false);
  });

  it('kills a container whose preStop sleep outlasts the grace period when the period ends: exit 137, Failed', async () => {
    await createPod(tb, 'web', [{ name: 'app', image: 'busybox:1.36', lifecycle: { preStop: { sleep: { seconds: 60 } } } }], {
      terminationGracePeriodSeconds: 20,
    });
    await tb.advance(10_000);
    const history = await watchPod(tb, 'web');
    await tb.client.delete('v1', 'pods', 'default', 'web');
    await tb.advance(19_999);
    expect(await exists(tb, 'web')).toBe(true);
    await tb.advance(1);
    history.stop();
    expect(await exists(tb, 'web')).toBe(false);
    const final = history.seen[history.seen.length - 2]!.pod.status as PodStatus;
    expect(final.phase).toBe('Failed');
    expect(final.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 137, reason: 'Error', finishedAt: at(30_000) });
    expect(final.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'PodFailed' });
  });

  it('fails an interrupted run-to-completion pod: its container exits 143 on SIGTERM', async () => {
    await createPod(tb, 'job', [{ name: 'work', image: 'busybox:1.36' }], { restartPolicy: 'Never', annotations: { 'kubefake.dev/run-duration': '1h' } });
    await tb.advance(2000);
    const history = await watchPod(tb, 'job');
    await tb.client.delete('v1', 'pods', 'default', 'job');
    await tb.settle();
    history.stop();
    const final = history.seen[history.seen.length - 2]!.pod.status as PodStatus;
    expect(final.phase).toBe('Failed');
    expect(final.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 143, reason: 'Error', finishedAt: at(2000) });
  });

  it('honours a shorter grace period given on delete', async () => {
    await createPod(tb, 'web', [{ name: 'app', image: 'busybox:1.36', lifecycle: { preStop: { sleep: { seconds: 10 } } } }]);
    await tb.advance(10_000);
    await tb.client.delete('v1', 'pods', 'default', 'web', { gracePeriodSeconds: 3 });
    await tb.advance(2999);
    expect(await exists(tb, 'web')).toBe(true);
    await tb.advance(1);
    expect(await exists(tb, 'web')).toBe(false);
  });

  it('leaves a force-deleted pod to the apiserver, which removes it at once', async () => {
    await createPod(tb, 'web', [{ name: 'app', image: 'busybox:1.36' }]);
    await tb.advance(5000);
    await tb.client.delete('v1', 'pods', 'default', 'web', { gracePeriodSeconds: 0 });
    expect(await exists(tb, 'web')).toBe(false);
    await tb.settle();
    expect(tb.errors).toEqual([]);
  });

  it('stops sidecars after the regular containers, in reverse order', async () => {
    await createPod(tb, 'web', [{ name: 'app', image: 'busybox:1.36', lifecycle: { preStop: { sleep: { seconds: 5 } } } }], {
      initContainers: [
        { name: 'logs', image: 'busybox:1.36', restartPolicy: 'Always', lifecycle: { preStop: { sleep: { seconds: 2 } } } },
        { name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always' },
      ],
    });
    await tb.advance(10_000);
    const history = await watchPod(tb, 'web');
    await tb.client.delete('v1', 'pods', 'default', 'web');
    await tb.advance(5000);
    history.stop();
    expect(await exists(tb, 'web')).toBe(false);
    const final = history.seen[history.seen.length - 2]!.pod.status as PodStatus;
    const finished = (s: ContainerStatus) => [s.name, s.state.terminated?.finishedAt];
    expect([...final.initContainerStatuses!, ...final.containerStatuses!].map(finished)).toEqual([
      ['logs', at(15_000)],
      ['proxy', at(15_000)],
      ['app', at(15_000)],
    ]);
    expect(final.phase).toBe('Succeeded');
    const killing = (await podEvents(tb, 'web')).filter((e) => e.reason === 'Killing').map((e) => [e.fieldPath, e.firstTimestamp]);
    expect(killing).toEqual([
      ['spec.initContainers{logs}', at(10_000)],
      ['spec.initContainers{proxy}', at(10_000)],
      ['spec.containers{app}', at(10_000)],
    ]);
  });

  it('marks containers that never started as ContainerStatusUnknown and the pod Failed', async () => {
    await createPod(tb, 'web', [{ name: 'app', image: 'busybox:nope' }], { annotations: { 'kubefake.dev/image-pull-error': 'true' } });
    await tb.advance(5000);
    const history = await watchPod(tb, 'web');
    await tb.client.delete('v1', 'pods', 'default', 'web');
    await tb.settle();
    history.stop();
    expect(await exists(tb, 'web')).toBe(false);
    const final = history.seen[history.seen.length - 2]!.pod.status as PodStatus;
    expect(final.phase).toBe('Failed');
    expect(final.containerStatuses![0]!.state).toEqual({
      terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' },
    });
  });

  it('deletes with grace 0 and a uid precondition, and leaves a pod its finalizers hold in its terminal phase', async () => {
    const created = await createPod(tb, 'web', [{ name: 'app', image: 'busybox:1.36' }]);
    await tb.client.patch('v1', 'pods', 'default', 'web', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
    await tb.advance(5000);
    const deletes: unknown[] = [];
    const realDelete = tb.client.delete.bind(tb.client);
    tb.client.delete = (apiVersion, resource, namespace, name, options) => {
      deletes.push({ resource, name, options });
      return realDelete(apiVersion, resource, namespace, name, options);
    };
    await tb.client.delete('v1', 'pods', 'default', 'web');
    await tb.advance(60_000);
    expect(deletes).toEqual([
      { resource: 'pods', name: 'web', options: undefined },
      { resource: 'pods', name: 'web', options: { gracePeriodSeconds: 0, preconditions: { uid: created.metadata.uid } } },
    ]);
    const held = await tb.client.get('v1', 'pods', 'default', 'web');
    expect(held.metadata.finalizers).toEqual(['example.com/hold']);
    expect((held.status as PodStatus).phase).toBe('Succeeded');
    // The kubelet is done with it: nothing more is due, however long the finalizer holds the pod.
    expect(tb.manager.queueFor('kubelet')!.waitingKeys()).toEqual([]);
    expect(tb.errors).toEqual([]);
  });
});

describe('pods marked finished by someone else', () => {
  it('have their containers stopped and keep the phase they were given', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 0 } });
    try {
      await createPod(tb, 'web', [{ name: 'app', image: 'busybox:1.36' }]);
      await tb.advance(5000);
      const pod = await tb.client.get('v1', 'pods', 'default', 'web');
      (pod.status as PodStatus).phase = 'Failed';
      await tb.client.update('v1', 'pods', 'default', pod, { subresource: 'status' });
      await tb.settle();
      const status = (await tb.client.get('v1', 'pods', 'default', 'web')).status as PodStatus;
      expect(status.phase).toBe('Failed');
      expect(status.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', finishedAt: at(5000) });
      expect(status.conditions!.find((c) => c.type === 'PodReadyToStartContainers')!.status).toBe('False');
      expect((await podEvents(tb, 'web')).filter((e) => e.reason === 'Killing').map((e) => e.message)).toEqual(['Stopping container app']);
      await tb.advance(60_000);
      expect(((await tb.client.get('v1', 'pods', 'default', 'web')).status as PodStatus).containerStatuses![0]!.restartCount).toBe(0);
    } finally {
      await tb.close();
    }
  });
});

describe('sidecars of pods that run to completion', () => {
  it('are stopped once the regular containers are done, so the pod can succeed', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000, runDuration: 4000 } });
    try {
      await createPod(tb, 'job', [{ name: 'work', image: 'busybox:1.36' }], {
        restartPolicy: 'Never',
        initContainers: [{ name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always' }],
      });
      await tb.advance(6000);
      const pod = await tb.client.get('v1', 'pods', 'default', 'job');
      const status = pod.status as PodStatus;
      expect(status.phase).toBe('Succeeded');
      expect(status.initContainerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed', finishedAt: at(6000) });
      expect((await podEvents(tb, 'job')).filter((e) => e.reason === 'Killing').map((e) => e.message)).toEqual(['Stopping container proxy']);
    } finally {
      await tb.close();
    }
  });
});
