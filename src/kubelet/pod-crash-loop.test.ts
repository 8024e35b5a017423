// Crash loops: the first restart is immediate, then CrashLoopBackOff waits 10s doubling to 5m, as upstream's kubelet.
import type { ControllerTestbed } from '../../test/controller-testbed.js';
import { at, createPod, podEvents, podStatusOf, startKubeletTestbed } from './kubelet-test-kit.js';
import type { ContainerStatus } from './pod-types.js';

describe('crash loop back-off', () => {
  let tb: ControllerTestbed;
  beforeEach(async () => {
    tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000, runDuration: 5000, syncDelay: 1000 } });
  });
  afterEach(() => tb.close());

  const app = async (): Promise<ContainerStatus> => (await podStatusOf(tb, 'crash')).containerStatuses![0]!;

  it('restarts at once the first time, then backs off 10s, 20s, 40s … up to 5m with CrashLoopBackOff', async () => {
    const pod = await createPod(tb, 'crash', [{ name: 'app', image: 'busybox:1.36' }], { annotations: { 'kubefake.dev/crash-loop': 'true' } });
    const who = `crash_default(${pod.metadata.uid})`;
    await tb.advance(1000);
    expect(await app()).toMatchObject({ state: { running: { startedAt: at(1000) } }, restartCount: 0, ready: true });

    await tb.advance(5000);
    expect(await app()).toMatchObject({
      state: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(1000), finishedAt: at(6000) } },
      lastState: {},
      restartCount: 0,
      ready: false,
      started: false,
    });
    expect((await podStatusOf(tb, 'crash')).phase).toBe('Running');

    await tb.advance(1000);
    const firstRun = (await podStatusOf(tb, 'crash')).containerStatuses![0]!;
    expect(firstRun).toMatchObject({
      state: { running: { startedAt: at(7000) } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(1000), finishedAt: at(6000) } },
      restartCount: 1,
      ready: true,
      started: true,
    });

    // Second crash at 12s: the kubelet notices at its next sync and backs off 10s from the exit.
    await tb.advance(6000);
    const backingOff = await podStatusOf(tb, 'crash');
    expect(backingOff.phase).toBe('Running');
    expect(backingOff.containerStatuses![0]).toMatchObject({
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=app pod=${who}` } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(7000), finishedAt: at(12000) } },
      restartCount: 1,
      ready: false,
      started: false,
    });
    expect(backingOff.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });

    // Runs again once the window (from the exit) is over and the container is started: 12s + 10s + 1s.
    await tb.advance(9999);
    expect((await app()).state.waiting?.reason).toBe('CrashLoopBackOff');
    await tb.advance(1);
    expect(await app()).toMatchObject({ state: { running: { startedAt: at(23000) } }, restartCount: 2 });

    const expectedWaits = ['20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s'];
    let exitAt = 23000 + 5000;
    let backOffMs = 20_000;
    for (const [i, wait] of expectedWaits.entries()) {
      await tb.advance(exitAt + 1000 - (tb.clock.now() - Date.UTC(2026, 0, 1)));
      expect((await app()).state.waiting?.message).toBe(`back-off ${wait} restarting failed container=app pod=${who}`);
      await tb.advance(exitAt + backOffMs + 1000 - (tb.clock.now() - Date.UTC(2026, 0, 1)));
      expect(await app()).toMatchObject({ state: { running: { startedAt: at(exitAt + backOffMs + 1000) } }, restartCount: 3 + i });
      exitAt += backOffMs + 1000 + 5000;
      backOffMs = Math.min(backOffMs * 2, 300_000);
    }

    const backOffEvents = (await podEvents(tb, 'crash')).filter((e) => e.reason === 'BackOff');
    expect(backOffEvents).toEqual([
      {
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container app in pod ${who}`,
        fieldPath: 'spec.containers{app}',
        count: 7,
        firstTimestamp: at(13000),
        lastTimestamp: expect.any(String),
      },
    ]);
    const created = (await podEvents(tb, 'crash')).filter((e) => e.reason === 'Created');
    expect(created).toEqual([expect.objectContaining({ message: 'Created container: app', count: 9 })]);
    expect(tb.errors).toEqual([]);
  });

  it('reports OOMKilled with exit code 137 and backs off the same way', async () => {
    await createPod(tb, 'crash', [{ name: 'app', image: 'busybox:1.36' }], { annotations: { 'kubefake.dev/oom-kill': 'app' } });
    await tb.advance(6000);
    expect((await app()).state.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    await tb.advance(7000);
    expect(await app()).toMatchObject({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } });
  });

  it('fails a restartPolicy Never pod whose container is OOM-killed', async () => {
    await createPod(tb, 'crash', [{ name: 'app', image: 'busybox:1.36' }], { restartPolicy: 'Never', annotations: { 'kubefake.dev/oom-kill': 'true' } });
    await tb.advance(6000);
    const status = await podStatusOf(tb, 'crash');
    expect(status.phase).toBe('Failed');
    expect(status.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('starts over at 10s once a container ran for longer than twice the maximum back-off', async () => {
    await createPod(tb, 'crash', [{ name: 'app', image: 'busybox:1.36' }], { annotations: { 'kubefake.dev/crash-loop': 'true' } });
    await tb.advance(13_000);
    expect((await app()).state.waiting?.message).toMatch(/^back-off 10s /);
    // A long-lived run: the next exit comes more than 10 minutes after the last restart.
    await tb.client.patch('v1', 'pods', 'default', 'crash', 'merge', { metadata: { annotations: { 'kubefake.dev/run-duration': '11m' } } });
    await tb.advance(10_000);
    expect((await app()).restartCount).toBe(2);
    await tb.advance(11 * 60_000);
    expect((await app()).state.terminated).toBeDefined();
    await tb.advance(1000);
    expect(await app()).toMatchObject({ state: { running: {} }, restartCount: 3 });
  });
});
