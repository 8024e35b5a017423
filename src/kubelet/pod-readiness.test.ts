// Readiness and startup probes delay Ready by their initial delays; never-ready keeps a container unready for good.
import type { ControllerTestbed } from '../../test/controller-testbed.js';
import { at, condition, createPod, podStatusOf, startKubeletTestbed } from './kubelet-test-kit.js';

const probe = (initialDelaySeconds: number) => ({ httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds, periodSeconds: 10 });

describe('probes', () => {
  let tb: ControllerTestbed;
  beforeEach(async () => {
    tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 1000 } });
  });
  afterEach(() => tb.close());

  it('keeps a running container unready until its readiness probe’s initial delay has passed', async () => {
    await createPod(tb, 'web', [{ name: 'web', image: 'nginx:1.27', readinessProbe: probe(5) }]);
    await tb.advance(1000);
    let status = await podStatusOf(tb, 'web');
    const unready = { reason: 'ContainersNotReady', message: 'containers with unready status: [web]' };
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses![0]).toMatchObject({ state: { running: { startedAt: at(1000) } }, started: true, ready: false });
    expect(status.conditions!.slice(2, 4)).toEqual([condition('Ready', 'False', 0, unready), condition('ContainersReady', 'False', 0, unready)]);

    await tb.advance(4999);
    expect((await podStatusOf(tb, 'web')).containerStatuses![0]!.ready).toBe(false);
    await tb.advance(1);
    status = await podStatusOf(tb, 'web');
    expect(status.containerStatuses![0]!.ready).toBe(true);
    expect(status.conditions!.slice(2, 4)).toEqual([condition('Ready', 'True', 6000), condition('ContainersReady', 'True', 6000)]);
  });

  it('needs successThreshold probes in a row, a period apart', async () => {
    await createPod(tb, 'web', [{ name: 'web', image: 'nginx:1.27', readinessProbe: { ...probe(2), successThreshold: 3, periodSeconds: 5 } }]);
    await tb.advance(1000 + 2000 + 2 * 5000 - 1);
    expect((await podStatusOf(tb, 'web')).containerStatuses![0]!.ready).toBe(false);
    await tb.advance(1);
    expect((await podStatusOf(tb, 'web')).containerStatuses![0]!.ready).toBe(true);
  });

  it('reports started only once the startup probe passes, and readiness counts from the container start', async () => {
    await createPod(tb, 'web', [{ name: 'web', image: 'nginx:1.27', startupProbe: probe(3), readinessProbe: probe(5) }]);
    await tb.advance(1000);
    expect((await podStatusOf(tb, 'web')).containerStatuses![0]).toMatchObject({ started: false, ready: false });
    await tb.advance(3000);
    expect((await podStatusOf(tb, 'web')).containerStatuses![0]).toMatchObject({ started: true, ready: false });
    await tb.advance(1999);
    expect((await podStatusOf(tb, 'web')).containerStatuses![0]).toMatchObject({ started: true, ready: false });
    await tb.advance(1);
    expect((await podStatusOf(tb, 'web')).containerStatuses![0]).toMatchObject({ started: true, ready: true });
  });

  it('becomes ready as soon as the startup probe passes when there is no readiness probe', async () => {
    await createPod(tb, 'web', [{ name: 'web', image: 'nginx:1.27', startupProbe: probe(4) }]);
    await tb.advance(4999);
    expect((await podStatusOf(tb, 'web')).conditions!.find((c) => c.type === 'Ready')!.status).toBe('False');
    await tb.advance(1);
    expect((await podStatusOf(tb, 'web')).conditions!.find((c) => c.type === 'Ready')).toEqual(condition('Ready', 'True', 5000));
  });

  it('never readies a container kubefake.dev/never-ready names, probe or not', async () => {
    await createPod(tb, 'web', [{ name: 'web', image: 'nginx:1.27' }, { name: 'side', image: 'busybox:1.36', readinessProbe: probe(1) }], {
      annotations: { 'kubefake.dev/never-ready': 'true' },
    });
    await tb.advance(60_000);
    const status = await podStatusOf(tb, 'web');
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses!.map((c) => [c.name, c.ready])).toEqual([
      ['side', false],
      ['web', false],
    ]);
    expect(status.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', message: 'containers with unready status: [web side]' });
  });

  it('holds Ready back until readiness gates are True', async () => {
    await createPod(tb, 'gated', [{ name: 'web', image: 'nginx:1.27' }], { extraSpec: { readinessGates: [{ conditionType: 'example.com/lb' }] } });
    await tb.advance(1000);
    let status = await podStatusOf(tb, 'gated');
    expect(status.conditions!.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ReadinessGatesNotReady',
      message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
    });
    const pod = await tb.client.get('v1', 'pods', 'default', 'gated');
    (pod.status as { conditions: unknown[] }).conditions.unshift({ type: 'example.com/lb', status: 'True', lastTransitionTime: at(1000) });
    await tb.client.update('v1', 'pods', 'default', pod, { subresource: 'status' });
    await tb.advance(1000);
    status = await podStatusOf(tb, 'gated');
    expect(status.conditions!.map((c) => [c.type, c.status])).toEqual([
      ['example.com/lb', 'True'],
      ['PodReadyToStartContainers', 'True'],
      ['Initialized', 'True'],
      ['Ready', 'True'],
      ['ContainersReady', 'True'],
      ['PodScheduled', 'True'],
    ]);
  });
});
