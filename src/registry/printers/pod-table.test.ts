// Tests for the pod printer: READY, the STATUS reason walk (init, sidecars, terminating, NodeLost) and RESTARTS.
import type { KubeObject } from '../../meta/types.js';
import { podTable } from './pod-table.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: ago(3 * MIN + 5000), ...meta },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec },
    status,
  };
}

const running = { running: { startedAt: ago(3 * MIN) } };
const readyCond = { type: 'Ready', status: 'True' };
const cells = (p: KubeObject): unknown[] => podTable.cells(p, NOW);
/** READY, STATUS, RESTARTS only. */
const summary = (p: KubeObject): unknown[] => cells(p).slice(0, 3);

describe('podTable', () => {
  it('has upstream column definitions', () => {
    expect(podTable.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ]);
    expect(podTable.columns[4].description).toBe(
      'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
    );
    expect(podTable.columns.every((c) => c.format === '')).toBe(true);
  });

  it('prints a running pod with wide columns', () => {
    const p = pod(
      { containers: [{ name: 'web' }, { name: 'log' }], nodeName: 'node-1', readinessGates: [{ conditionType: 'lb/ready' }, { conditionType: 'x/ok' }] },
      {
        phase: 'Running',
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }],
        conditions: [readyCond, { type: 'lb/ready', status: 'True' }, { type: 'x/ok', status: 'False' }],
        containerStatuses: [
          { name: 'web', ready: true, restartCount: 0, state: running },
          { name: 'log', ready: true, restartCount: 0, state: running },
        ],
      },
    );
    expect(cells(p)).toEqual(['2/2', 'Running', '0', '3m5s', '10.244.1.5', 'node-1', '<none>', '1/2']);
  });

  it('falls back to podIP and prints <none> for unset wide fields', () => {
    const p = pod({}, { phase: 'Pending', podIP: '10.0.0.9', nominatedNodeName: 'node-2' });
    expect(cells(p).slice(4)).toEqual(['10.0.0.9', '<none>', 'node-2', '<none>']);
    expect(cells(pod({}, { phase: 'Pending' })).slice(4)).toEqual(['<none>', '<none>', '<none>', '<none>']);
  });

  it('shows Pending and SchedulingGated', () => {
    expect(summary(pod({}, { phase: 'Pending' }))).toEqual(['0/1', 'Pending', '0']);
    const gated = pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    expect(summary(gated)).toEqual(['0/1', 'SchedulingGated', '0']);
  });

  it('shows Init:i/n while init containers run', () => {
    const p = pod(
      { initContainers: [{ name: 'migrate' }, { name: 'seed' }] },
      {
        phase: 'Pending',
        conditions: [{ type: 'Initialized', status: 'False' }],
        initContainerStatuses: [
          { name: 'migrate', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'seed', ready: false, restartCount: 0, state: running },
        ],
        containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    );
    expect(summary(p)).toEqual(['0/1', 'Init:1/2', '0']);
  });

  it('shows Init:0/1 for a waiting PodInitializing init container', () => {
    const p = pod(
      { initContainers: [{ name: 'init' }] },
      { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'PodInitializing' } } }] },
    );
    expect(summary(p)).toEqual(['0/1', 'Init:0/1', '0']);
  });

  it('shows the init container waiting reason with restarts and when the last one happened', () => {
    const p = pod(
      { initContainers: [{ name: 'init' }] },
      {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'init',
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastTerminationState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(5 * MIN) } },
          },
        ],
      },
    );
    expect(summary(p)).toEqual(['0/1', 'Init:CrashLoopBackOff', '3 (5m ago)']);
  });

  it.each([
    [{ exitCode: 1, reason: 'Error' }, 'Init:Error'],
    [{ exitCode: 2 }, 'Init:ExitCode:2'],
    [{ exitCode: 137, signal: 9 }, 'Init:Signal:9'],
  ])('shows a failed init container %j as %s', (terminated, expected) => {
    const p = pod({ initContainers: [{ name: 'init' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'init', state: { terminated } }] });
    expect(summary(p)[1]).toBe(expected);
  });

  it('counts a started sidecar as ready and keeps only its restarts once initialised', () => {
    const p = pod(
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, readyCond],
        initContainerStatuses: [
          {
            name: 'proxy',
            started: true,
            ready: true,
            restartCount: 1,
            state: running,
            lastTerminationState: { terminated: { exitCode: 1, finishedAt: ago(90_000) } },
          },
        ],
        containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: running }],
      },
    );
    expect(summary(p)).toEqual(['2/2', 'Running', '1 (90s ago)']);
  });

  it('shows a container waiting reason', () => {
    const p = pod({}, { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'ImagePullBackOff' } } }] });
    expect(summary(p)).toEqual(['0/1', 'ImagePullBackOff', '0']);
  });

  it('shows exit codes and signals for terminated containers without a reason', () => {
    const exit = pod({}, { phase: 'Running', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 3 } } }] });
    const signal = pod({}, { phase: 'Running', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 0, signal: 15 } } }] });
    expect(summary(exit)[1]).toBe('ExitCode:3');
    expect(summary(signal)[1]).toBe('Signal:15');
  });

  it('lets the first container reason win', () => {
    const p = pod(
      { containers: [{ name: 'a' }, { name: 'b' }] },
      {
        phase: 'Running',
        containerStatuses: [
          { name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } }, restartCount: 4 },
          { name: 'b', state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
    );
    expect(summary(p)).toEqual(['0/2', 'CrashLoopBackOff', '4']);
  });

  it('shows Completed for a succeeded pod', () => {
    const p = pod(
      {},
      { phase: 'Succeeded', containerStatuses: [{ name: 'web', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
    );
    expect(summary(p)).toEqual(['0/1', 'Completed', '0']);
  });

  it('turns Completed back into Running or NotReady while another container runs', () => {
    const statuses = [
      { name: 'job', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      { name: 'web', ready: true, state: running },
    ];
    const spec = { containers: [{ name: 'job' }, { name: 'web' }] };
    expect(summary(pod(spec, { phase: 'Running', conditions: [readyCond], containerStatuses: statuses }))).toEqual(['1/2', 'Running', '0']);
    expect(summary(pod(spec, { phase: 'Running', containerStatuses: statuses }))).toEqual(['1/2', 'NotReady', '0']);
  });

  it('shows restarts with how long ago the last container terminated', () => {
    const p = pod(
      {},
      {
        phase: 'Running',
        conditions: [readyCond],
        containerStatuses: [
          {
            name: 'web',
            ready: true,
            restartCount: 5,
            state: running,
            lastTerminationState: { terminated: { exitCode: 1, finishedAt: ago(5 * MIN) } },
          },
        ],
      },
    );
    expect(summary(p)).toEqual(['1/1', 'Running', '5 (5m ago)']);
    const noTime = pod({}, { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, restartCount: 2, state: running }] });
    expect(summary(noTime)[2]).toBe('2');
  });

  it('shows Terminating for a deleted pod that is not finished', () => {
    const p = pod({}, { phase: 'Running', containerStatuses: [{ name: 'web', ready: true, state: running }] }, { deletionTimestamp: ago(10_000) });
    expect(summary(p)).toEqual(['1/1', 'Terminating', '0']);
    const done = pod(
      {},
      { phase: 'Succeeded', containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      { deletionTimestamp: ago(10_000) },
    );
    expect(summary(done)[1]).toBe('Completed');
  });

  it('shows Unknown for a deleted pod on a lost node, and the status reason otherwise', () => {
    const lost = pod({}, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: ago(10_000) });
    expect(summary(lost)[1]).toBe('Unknown');
    expect(summary(pod({}, { phase: 'Running', reason: 'NodeLost' }))[1]).toBe('NodeLost');
    expect(summary(pod({}, { phase: 'Failed', reason: 'Evicted' }))[1]).toBe('Evicted');
  });

  it('prints <unknown> age without a creation timestamp', () => {
    const p = pod({}, { phase: 'Pending' }, { creationTimestamp: undefined });
    expect(cells(p)[3]).toBe('<unknown>');
  });
});
