// Image pull failures: ErrImagePull, then ImagePullBackOff, retried as the image back-off window closes.
import type { ControllerTestbed } from '../../test/controller-testbed.js';
import { at, createPod, podEvents, podStatusOf, startKubeletTestbed } from './kubelet-test-kit.js';
import { podLogs } from './logs.js';

const pullError =
  'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:nope": ' +
  'failed to resolve reference "docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found';

describe('image pull errors', () => {
  let tb: ControllerTestbed;
  beforeEach(async () => {
    tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000, syncDelay: 1000 } });
  });
  afterEach(() => tb.close());

  it('shows ErrImagePull, then ImagePullBackOff, and retries after 10s, 20s … with the events upstream records', async () => {
    await createPod(tb, 'bad', [{ name: 'web', image: 'nginx:nope' }], { annotations: { 'kubefake.dev/image-pull-error': 'true' } });
    await tb.advance(1000);
    let status = await podStatusOf(tb, 'bad');
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses![0]).toEqual({
      name: 'web',
      state: { waiting: { reason: 'ErrImagePull', message: pullError } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: 'nginx:nope',
      imageID: '',
      started: false,
    });

    await tb.advance(1000);
    status = await podStatusOf(tb, 'bad');
    expect(status.containerStatuses![0]!.state).toEqual({
      waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "nginx:nope": ErrImagePull: ${pullError}` },
    });
    expect(status.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });

    const web = 'spec.containers{web}';
    expect((await podEvents(tb, 'bad')).map(({ type, reason, message, fieldPath, firstTimestamp }) => ({ type, reason, message, fieldPath, firstTimestamp }))).toEqual([
      { type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx:nope"', fieldPath: web, firstTimestamp: at(0) },
      { type: 'Warning', reason: 'Failed', message: `Failed to pull image "nginx:nope": ${pullError}`, fieldPath: web, firstTimestamp: at(1000) },
      { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', fieldPath: web, firstTimestamp: at(1000) },
      { type: 'Normal', reason: 'BackOff', message: 'Back-off pulling image "nginx:nope"', fieldPath: web, firstTimestamp: at(2000) },
      { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', fieldPath: web, firstTimestamp: at(2000) },
    ]);

    // The first window is 10s from the failed pull at 1s; pulling again takes 1s: ErrImagePull at 12s.
    await tb.advance(9999);
    expect((await podStatusOf(tb, 'bad')).containerStatuses![0]!.state.waiting!.reason).toBe('ImagePullBackOff');
    await tb.advance(1);
    expect((await podStatusOf(tb, 'bad')).containerStatuses![0]!.state.waiting!.reason).toBe('ErrImagePull');
    // The window doubles: the next attempt fails at 12s + 20s + 1s.
    await tb.advance(20_999);
    expect((await podStatusOf(tb, 'bad')).containerStatuses![0]!.state.waiting!.reason).toBe('ImagePullBackOff');
    await tb.advance(1);
    expect((await podStatusOf(tb, 'bad')).containerStatuses![0]!.state.waiting!.reason).toBe('ErrImagePull');
    const pulling = (await podEvents(tb, 'bad')).find((e) => e.reason === 'Pulling')!;
    expect(pulling).toMatchObject({ count: 3, lastTimestamp: at(32000) });

    await tb.advance(1000);
    const pod = await tb.client.get('v1', 'pods', 'default', 'bad');
    expect(() => podLogs(pod, 'web', {}, tb.clock.now())).toThrow('container "web" in pod "bad" is waiting to start: trying and failing to pull image');
  });

  it('recovers at the next attempt once the annotation is gone', async () => {
    await createPod(tb, 'bad', [{ name: 'web', image: 'nginx:nope' }], { annotations: { 'kubefake.dev/image-pull-error': 'web' } });
    await tb.advance(2000);
    await tb.client.patch('v1', 'pods', 'default', 'bad', 'merge', { metadata: { annotations: { 'kubefake.dev/image-pull-error': null } } });
    await tb.advance(9999);
    expect((await podStatusOf(tb, 'bad')).phase).toBe('Pending');
    await tb.advance(1);
    const status = await podStatusOf(tb, 'bad');
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses![0]).toMatchObject({ state: { running: { startedAt: at(12000) } }, ready: true, restartCount: 0 });
  });

  it('blocks the pod at the failing init container', async () => {
    await createPod(tb, 'bad', [{ name: 'web', image: 'nginx:1.27' }], {
      initContainers: [{ name: 'init', image: 'nginx:nope' }],
      annotations: { 'kubefake.dev/image-pull-error': 'init' },
    });
    await tb.advance(5000);
    const status = await podStatusOf(tb, 'bad');
    expect(status.initContainerStatuses![0]!.state.waiting!.reason).toBe('ImagePullBackOff');
    expect(status.containerStatuses![0]!.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(status.conditions!.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init]',
    });
  });
});
