// Tests for the core/v1 and events.k8s.io/v1 event printers (LAST SEEN TYPE REASON OBJECT MESSAGE + wide).
import type { KubeObject } from '../../meta/types.js';
import { eventsV1EventTable, eventTable } from './event-table.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;

describe('eventTable (core/v1)', () => {
  it('has upstream columns, with NAME last and wide-only', () => {
    expect(eventTable.includesName).toBe(true);
    expect(eventTable.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Last Seen', 0],
      ['Type', 0],
      ['Reason', 0],
      ['Object', 0],
      ['Subobject', 1],
      ['Source', 1],
      ['Message', 0],
      ['First Seen', 1],
      ['Count', 1],
      ['Name', 1],
    ]);
    expect(eventTable.columns[9].format).toBe('name');
    expect(eventTable.columns[3].description).toBe('The object that this event is about.');
  });

  it('prints a kubelet event', () => {
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-0.17f3a', namespace: 'default', creationTimestamp: ago(10 * MIN) },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0', fieldPath: 'spec.containers{web}' },
      reason: 'Started',
      message: '  Started container web\n',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: ago(10 * MIN),
      lastTimestamp: ago(2 * MIN),
      count: 3,
      type: 'Normal',
    };
    expect(eventTable.cells(ev, NOW)).toEqual([
      '2m',
      'Normal',
      'Started',
      'pod/web-0',
      'spec.containers{web}',
      'kubelet, node-1',
      'Started container web',
      '10m',
      3,
      'web-0.17f3a',
    ]);
  });

  it('falls back to eventTime, the reporting component and a count of 1', () => {
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web-0.18a', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web-0' },
      reason: 'Scheduled',
      message: 'Successfully assigned default/web-0 to node-1',
      source: {},
      eventTime: '2025-06-01T11:59:30.000000Z',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp-1',
      type: 'Normal',
    };
    expect(eventTable.cells(ev, NOW)).toEqual([
      '30s',
      'Normal',
      'Scheduled',
      'pod/web-0',
      '',
      'default-scheduler, default-scheduler-cp-1',
      'Successfully assigned default/web-0 to node-1',
      '30s',
      1,
      'web-0.18a',
    ]);
  });

  it('takes last seen and count from a series, and prints a kind-only object', () => {
    const ev: KubeObject = {
      metadata: { name: 'n.1' },
      involvedObject: { kind: 'Node' },
      type: 'Warning',
      reason: 'Rebooted',
      message: 'x',
      firstTimestamp: ago(60 * MIN),
      lastTimestamp: ago(30 * MIN),
      count: 2,
      series: { count: 5, lastObservedTime: '2025-06-01T11:59:00.000000Z' },
    };
    const cells = eventTable.cells(ev, NOW);
    expect([cells[0], cells[3], cells[7], cells[8]]).toEqual(['60s', 'node', '60m', 5]);
  });

  it('prints <unknown> when no time is set', () => {
    const cells = eventTable.cells({ metadata: { name: 'e' }, involvedObject: {} }, NOW);
    expect([cells[0], cells[3], cells[5], cells[7]]).toEqual(['<unknown>', '', '', '<unknown>']);
  });
});

describe('eventsV1EventTable', () => {
  it('reads the events.k8s.io/v1 field names', () => {
    const ev: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web.18b', namespace: 'default' },
      eventTime: '2025-06-01T11:55:00.000000Z',
      reportingController: 'deployment-controller',
      reportingInstance: '',
      action: 'Scale',
      reason: 'ScalingReplicaSet',
      regarding: { kind: 'Deployment', namespace: 'default', name: 'web', apiVersion: 'apps/v1' },
      note: 'Scaled up replica set web-5d4b9c to 3',
      type: 'Normal',
    };
    expect(eventsV1EventTable.columns).toBe(eventTable.columns);
    expect(eventsV1EventTable.cells(ev, NOW)).toEqual([
      '5m',
      'Normal',
      'ScalingReplicaSet',
      'deployment/web',
      '',
      'deployment-controller',
      'Scaled up replica set web-5d4b9c to 3',
      '5m',
      1,
      'web.18b',
    ]);
  });

  it('uses the deprecated timestamps, count and source when present', () => {
    const ev: KubeObject = {
      metadata: { name: 'old.1' },
      regarding: { kind: 'Pod', name: 'p' },
      deprecatedSource: { component: 'kubelet', host: 'node-2' },
      deprecatedFirstTimestamp: ago(20 * MIN),
      deprecatedLastTimestamp: ago(4 * MIN),
      deprecatedCount: 7,
      note: 'Back-off restarting failed container',
      reason: 'BackOff',
      type: 'Warning',
    };
    expect(eventsV1EventTable.cells(ev, NOW)).toEqual([
      '4m',
      'Warning',
      'BackOff',
      'pod/p',
      '',
      'kubelet, node-2',
      'Back-off restarting failed container',
      '20m',
      7,
      'old.1',
    ]);
  });
});
