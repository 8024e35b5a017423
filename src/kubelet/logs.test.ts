// podLogs and followPodLogs: deterministic simulated lines, the pods/log options, and upstream's error texts.
import { VirtualClock } from '../clock/virtual-clock.js';
import type { KubeObject } from '../meta/types.js';
import { createPod, startKubeletTestbed } from './kubelet-test-kit.js';
import { followPodLogs } from './logs-follow.js';
import { podLogs } from './logs.js';
import type { ContainerStatus } from './pod-types.js';

const t0 = Date.UTC(2026, 0, 1);
const iso = (s: number) => new Date(t0 + s * 1000).toISOString().replace('.000Z', 'Z');
const id = (n: number) => `containerd://${String(n).repeat(64).slice(0, 64)}`;

function pod(statuses: ContainerStatus[], extra: { containers?: Record<string, unknown>[]; nodeName?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      nodeName: extra.nodeName ?? 'node-1',
      initContainers: [{ name: 'init', image: 'busybox:1.36' }],
      containers: extra.containers ?? [{ name: 'app', image: 'nginx:1.27', command: ['nginx'], args: ['-g', 'daemon off;'] }],
    },
    status: { containerStatuses: statuses },
  };
}

function status(state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name: 'app', state, lastState: {}, ready: true, restartCount: 0, image: 'nginx:1.27', imageID: '', containerID: id(1), started: true, ...extra };
}

const running = (since: number, extra: Partial<ContainerStatus> = {}) => status({ running: { startedAt: iso(since) } }, extra);

describe('podLogs', () => {
  it('writes a start line naming image, command and restart, then a line every 10s', () => {
    expect(podLogs(pod([running(0)]), 'app', {}, t0 + 25_000)).toBe(
      '[kubefake] app started (image nginx:1.27, command: nginx -g "daemon off;", restart 0)\n' +
        '[kubefake] app running for 10s\n' +
        '[kubefake] app running for 20s\n',
    );
    expect(podLogs(pod([running(0)]), undefined, {}, t0 + 90_000).split('\n')[9]).toBe('[kubefake] app running for 1m30s');
  });

  it('prefixes RFC3339Nano timestamps and applies tailLines before sinceSeconds, then limitBytes', () => {
    const p = pod([running(0)]);
    expect(podLogs(p, 'app', { timestamps: true, tailLines: 2 }, t0 + 25_000)).toBe(
      '2026-01-01T00:00:10.000000000Z [kubefake] app running for 10s\n2026-01-01T00:00:20.000000000Z [kubefake] app running for 20s\n',
    );
    expect(podLogs(p, 'app', { sinceSeconds: 10 }, t0 + 25_000)).toBe('[kubefake] app running for 20s\n');
    expect(podLogs(p, 'app', { tailLines: 3, sinceTime: iso(15) }, t0 + 25_000)).toBe('[kubefake] app running for 20s\n');
    // The later of sinceSeconds and sinceTime wins.
    expect(podLogs(p, 'app', { sinceSeconds: 100, sinceTime: iso(15) }, t0 + 25_000)).toBe('[kubefake] app running for 20s\n');
    expect(podLogs(p, 'app', { limitBytes: 12 }, t0 + 25_000)).toBe('[kubefake] a');
    expect(podLogs(p, 'app', { tailLines: 0 }, t0 + 25_000)).toBe('');
  });

  it('ends a run that exited with its exit line, and serves the previous run when asked', () => {
    const exited = { exitCode: 1, reason: 'Error', startedAt: iso(0), finishedAt: iso(12), containerID: id(1) };
    const crashLooping = status({ waiting: { reason: 'CrashLoopBackOff' } }, { lastState: { terminated: exited }, restartCount: 1 });
    const expected = '[kubefake] app started (image nginx:1.27, command: nginx -g "daemon off;", restart 0)\n[kubefake] app running for 10s\n[kubefake] app exited with code 1 (Error)\n';
    // Waiting to restart, the last run is what there is to show.
    expect(podLogs(pod([crashLooping]), 'app', {}, t0 + 60_000)).toBe(expected);
    expect(podLogs(pod([crashLooping]), 'app', { previous: true }, t0 + 60_000)).toBe(expected);
    const rerun = running(30, { lastState: { terminated: exited }, restartCount: 1, containerID: id(2) });
    expect(podLogs(pod([rerun]), 'app', {}, t0 + 30_000)).toBe('[kubefake] app started (image nginx:1.27, command: nginx -g "daemon off;", restart 1)\n');
    expect(podLogs(pod([rerun]), 'app', { previous: true }, t0 + 30_000)).toBe(expected);
  });

  it('gives the apiserver’s and the kubelet’s 400s for containers without logs', () => {
    const p = pod([running(0)], { containers: [{ name: 'app' }, { name: 'side' }] });
    expect(() => podLogs(p, undefined, {}, t0)).toThrow('a container name must be specified for pod web, choose one of: [init app side]');
    expect(() => podLogs(p, 'nope', {}, t0)).toThrow('container nope is not valid for pod web');
    expect(() => podLogs(p, 'side', {}, t0)).toThrow('container "side" in pod "web" is not available');
    expect(() => podLogs(pod([running(0)]), 'app', { previous: true }, t0)).toThrow('previous terminated container "app" in pod "web" not found');
    const creating = pod([status({ waiting: { reason: 'ContainerCreating' } }, { containerID: undefined })]);
    expect(() => podLogs(creating, 'app', {}, t0)).toThrow('container "app" in pod "web" is waiting to start: ContainerCreating');
    const pulling = pod([status({ waiting: { reason: 'ErrImagePull' } }, { containerID: undefined })]);
    expect(() => podLogs(pulling, 'app', {}, t0)).toThrow('container "app" in pod "web" is waiting to start: image can\'t be pulled');
    const lost = pod([status({ terminated: { exitCode: 137, reason: 'ContainerStatusUnknown' } }, { containerID: undefined })]);
    expect(() => podLogs(lost, 'app', {}, t0)).toThrow('container "app" in pod "web" is terminated');
    try {
      podLogs(p, 'nope', {}, t0);
    } catch (err) {
      expect(err).toMatchObject({ code: 400, reason: 'BadRequest' });
    }
  });

  it('is empty for a pod no node runs yet', () => {
    expect(podLogs(pod([], { nodeName: '' }), 'app', {}, t0)).toBe('');
  });

  it('is deterministic', () => {
    const p = pod([running(3)]);
    expect(podLogs(p, 'app', { timestamps: true }, t0 + 60_000)).toBe(podLogs(structuredClone(p), 'app', { timestamps: true }, t0 + 60_000));
  });
});

describe('followPodLogs', () => {
  /** Reads a stream while stepping the clock a second at a time; one pending next() carries over between calls. */
  function reader(iterator: AsyncGenerator<string>, clock: VirtualClock) {
    let pending = iterator.next();
    let done = false;
    const drain = async (chunks: string[]) => {
      for (;;) {
        const raced = await Promise.race([pending, new Promise<'idle'>((r) => setImmediate(() => r('idle')))]);
        if (raced === 'idle') return;
        if (raced.done) {
          done = true;
          return;
        }
        chunks.push(raced.value);
        pending = iterator.next();
      }
    };
    return {
      get done() {
        return done;
      },
      async take(advanceMs: number): Promise<string[]> {
        const chunks: string[] = [];
        await drain(chunks);
        for (let t = 0; t < advanceMs && !done; t += 1000) {
          clock.advance(1000);
          await drain(chunks);
        }
        return chunks;
      },
    };
  }

  it('yields what is there, then each new line as the clock advances, and ends after the exit line', async () => {
    const clock = new VirtualClock(t0 + 15_000);
    let current = pod([running(0)]);
    const stream = reader(followPodLogs(() => current, 'app', { timestamps: true, tailLines: 1 }, clock), clock);
    expect(await stream.take(10_000)).toEqual([
      '2026-01-01T00:00:10.000000000Z [kubefake] app running for 10s\n',
      '2026-01-01T00:00:20.000000000Z [kubefake] app running for 20s\n',
    ]);
    current = pod([status({ terminated: { exitCode: 0, reason: 'Completed', startedAt: iso(0), finishedAt: iso(25), containerID: id(1) } })]);
    expect(await stream.take(5000)).toEqual(['2026-01-01T00:00:25.000000000Z [kubefake] app exited with code 0 (Completed)\n']);
    expect(stream.done).toBe(true);
  });

  it('stops when aborted, and caps the whole stream at limitBytes', async () => {
    const clock = new VirtualClock(t0 + 5_000);
    const abort = new AbortController();
    const iterator = followPodLogs(() => pod([running(0)]), 'app', { signal: abort.signal }, clock);
    expect((await iterator.next()).value).toMatch(/started/);
    const next = iterator.next();
    abort.abort();
    expect(await next).toEqual({ done: true, value: undefined });

    const limited = reader(followPodLogs(() => pod([running(0)]), 'app', { limitBytes: 100 }, clock), clock);
    expect((await limited.take(30_000)).join('')).toHaveLength(100);
    expect(limited.done).toBe(true);
  });

  it('throws the same errors before streaming', async () => {
    const clock = new VirtualClock(t0);
    await expect(followPodLogs(() => pod([running(0)]), 'nope', {}, clock).next()).rejects.toThrow('container nope is not valid for pod web');
  });
});

describe('logs of pods the kubelet runs', () => {
  it('follows a Job pod’s container from its start to its exit', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000, runDuration: 25_000 } });
    try {
      await createPod(tb, 'job', [{ name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 25'] }], { restartPolicy: 'Never' });
      await tb.advance(1000);
      const read = () => tb.client.get('v1', 'pods', 'default', 'job').catch(() => undefined);
      const chunks: string[] = [];
      const done = (async () => {
        for await (const chunk of followPodLogs(read, undefined, { timestamps: true, track: (w) => tb.manager.track(w) }, tb.clock)) chunks.push(chunk);
      })();
      await tb.advance(30_000);
      await done;
      expect(chunks.join('')).toBe(
        '2026-01-01T00:00:01.000000000Z [kubefake] work started (image busybox:1.36, command: sh -c "sleep 25", restart 0)\n' +
          '2026-01-01T00:00:11.000000000Z [kubefake] work running for 10s\n' +
          '2026-01-01T00:00:21.000000000Z [kubefake] work running for 20s\n' +
          '2026-01-01T00:00:26.000000000Z [kubefake] work exited with code 0 (Completed)\n',
      );
      expect(podLogs((await read())!, 'work', { previous: false, tailLines: 1 }, tb.clock.now())).toBe('[kubefake] work exited with code 0 (Completed)\n');
    } finally {
      await tb.close();
    }
  });
});
