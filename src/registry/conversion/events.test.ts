// Tests for the core v1 <-> events.k8s.io/v1 Event conversion.
import type { KubeObject } from '../../meta/types.js';
import { coreEventToEventsV1, eventsV1FieldLabelToCore, eventsV1ToCoreEvent } from './events.js';

const pod = { kind: 'Pod', namespace: 'shop', name: 'web-7c9d8f6b5-x2x4q', uid: 'a1b2c3d4-0000-4000-8000-000000000001', apiVersion: 'v1', resourceVersion: '4711', fieldPath: 'spec.containers{app}' };

/** What the kubelet writes through the core API: the legacy fields, no eventTime. */
function kubeletEvent(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-7c9d8f6b5-x2x4q.17f3a1c2b4d5e6f7', namespace: 'shop', uid: 'e0000000-0000-4000-8000-000000000001', resourceVersion: '9001', creationTimestamp: '2025-03-01T10:00:00Z' },
    involvedObject: pod,
    reason: 'BackOff',
    message: 'Back-off restarting failed container app in pod web-7c9d8f6b5-x2x4q_shop',
    source: { component: 'kubelet', host: 'node-a' },
    firstTimestamp: '2025-03-01T10:00:00Z',
    lastTimestamp: '2025-03-01T10:04:30Z',
    count: 12,
    type: 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-a',
  };
}

/** What a controller using the events.k8s.io recorder writes: eventTime, series, action, related. */
function recorderEvent(): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.17f3a1c2b4d5e6f8', namespace: 'shop', labels: { team: 'checkout' } },
    eventTime: '2025-03-01T10:00:00.123456Z',
    series: { count: 3, lastObservedTime: '2025-03-01T10:06:00.000001Z' },
    reportingController: 'kube-controller-manager/deployment-controller',
    reportingInstance: 'kube-controller-manager-node-a',
    action: 'Scaling',
    reason: 'ScalingReplicaSet',
    regarding: { kind: 'Deployment', namespace: 'shop', name: 'web', uid: 'd0000000-0000-4000-8000-000000000001', apiVersion: 'apps/v1', resourceVersion: '77' },
    related: { kind: 'ReplicaSet', namespace: 'shop', name: 'web-7c9d8f6b5', apiVersion: 'apps/v1' },
    note: 'Scaled up replica set web-7c9d8f6b5 from 2 to 4',
    type: 'Normal',
  };
}

describe('coreEventToEventsV1', () => {
  it('renames the legacy fields and keeps the shared ones', () => {
    expect(coreEventToEventsV1(kubeletEvent())).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: kubeletEvent().metadata,
      eventTime: null,
      reportingController: 'kubelet',
      reportingInstance: 'node-a',
      reason: 'BackOff',
      regarding: pod,
      note: 'Back-off restarting failed container app in pod web-7c9d8f6b5-x2x4q_shop',
      type: 'Warning',
      deprecatedSource: { component: 'kubelet', host: 'node-a' },
      deprecatedFirstTimestamp: '2025-03-01T10:00:00Z',
      deprecatedLastTimestamp: '2025-03-01T10:04:30Z',
      deprecatedCount: 12,
    });
  });

  it('lists fields in events.k8s.io/v1 order', () => {
    expect(Object.keys(coreEventToEventsV1(eventsV1ToCoreEvent(recorderEvent())))).toEqual(Object.keys(recorderEvent()));
  });
});

describe('eventsV1ToCoreEvent', () => {
  it('maps regarding, note, reportingController and the series onto the core fields', () => {
    const recorded = recorderEvent();
    expect(eventsV1ToCoreEvent(recorded)).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: recorded.metadata,
      involvedObject: recorded.regarding,
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-7c9d8f6b5 from 2 to 4',
      type: 'Normal',
      eventTime: '2025-03-01T10:00:00.123456Z',
      series: { count: 3, lastObservedTime: '2025-03-01T10:06:00.000001Z' },
      action: 'Scaling',
      related: recorded.related,
      reportingComponent: 'kube-controller-manager/deployment-controller',
      reportingInstance: 'kube-controller-manager-node-a',
    });
  });

  it('maps the deprecated fields back to source, firstTimestamp, lastTimestamp and count', () => {
    const out = eventsV1ToCoreEvent({
      ...recorderEvent(),
      deprecatedSource: { component: 'deployment-controller' },
      deprecatedFirstTimestamp: '2025-03-01T10:00:00Z',
      deprecatedLastTimestamp: '2025-03-01T10:06:00Z',
      deprecatedCount: 3,
    });
    expect(out).toMatchObject({ source: { component: 'deployment-controller' }, firstTimestamp: '2025-03-01T10:00:00Z', lastTimestamp: '2025-03-01T10:06:00Z', count: 3 });
    expect(Object.keys(out).filter((k) => k.startsWith('deprecated'))).toEqual([]);
  });

  it('drops fields neither version has', () => {
    expect(eventsV1ToCoreEvent({ ...recorderEvent(), message: 'core name in a v1 body', bogus: 1 })).not.toHaveProperty('bogus');
    expect(eventsV1ToCoreEvent({ ...recorderEvent(), message: 'core name in a v1 body' }).message).toBe('Scaled up replica set web-7c9d8f6b5 from 2 to 4');
  });
});

describe('event round trips', () => {
  it('core → events.k8s.io/v1 → core is lossless', () => {
    expect(eventsV1ToCoreEvent(coreEventToEventsV1(kubeletEvent()))).toEqual(kubeletEvent());
  });

  it('events.k8s.io/v1 → core → events.k8s.io/v1 is lossless', () => {
    expect(coreEventToEventsV1(eventsV1ToCoreEvent(recorderEvent()))).toEqual(recorderEvent());
  });

  it('never mutates or aliases its input', () => {
    const core = kubeletEvent();
    const served = coreEventToEventsV1(core);
    (served.regarding as Record<string, unknown>).name = 'changed';
    (served.metadata.labels ??= {}).x = 'y';
    expect(core).toEqual(kubeletEvent());
    const recorded = recorderEvent();
    const stored = eventsV1ToCoreEvent(recorded);
    (stored.series as Record<string, unknown>).count = 99;
    expect(recorded).toEqual(recorderEvent());
  });
});

describe('eventsV1FieldLabelToCore', () => {
  it('maps events.k8s.io/v1 field selector labels onto the core selectable fields', () => {
    expect(eventsV1FieldLabelToCore('regarding.name')).toBe('involvedObject.name');
    expect(eventsV1FieldLabelToCore('reportingController')).toBe('reportingComponent');
    expect(eventsV1FieldLabelToCore('metadata.namespace')).toBe('metadata.namespace');
    expect(eventsV1FieldLabelToCore('note')).toBeUndefined();
    expect(eventsV1FieldLabelToCore('involvedObject.name')).toBeUndefined();
  });
});
