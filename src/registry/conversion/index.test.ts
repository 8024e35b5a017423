// Tests for the table of served versions stored as another version.
import type { KubeObject } from '../../meta/types.js';
import { conversions } from './index.js';

describe('conversions', () => {
  it('covers exactly the two served versions that share the storage of another version', () => {
    expect(Object.keys(conversions).sort()).toEqual(['autoscaling/v1/horizontalpodautoscalers', 'events.k8s.io/v1/events']);
    expect(conversions['autoscaling/v1/horizontalpodautoscalers']).toMatchObject({ storageGroup: 'autoscaling', storageVersion: 'v2', storageResource: 'horizontalpodautoscalers' });
    expect(conversions['events.k8s.io/v1/events']).toMatchObject({ storageGroup: '', storageVersion: 'v1', storageResource: 'events' });
  });

  it('converts to the storage version and back', () => {
    const hpa = conversions['autoscaling/v1/horizontalpodautoscalers'];
    const served: KubeObject = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
    };
    expect(hpa.toStorage(served).apiVersion).toBe('autoscaling/v2');
    expect(hpa.fromStorage(hpa.toStorage(served))).toEqual(served);

    const events = conversions['events.k8s.io/v1/events'];
    const event: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, eventTime: '2025-03-01T10:00:00.000000Z', note: 'hi' };
    expect(events.toStorage(event)).toEqual({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, eventTime: '2025-03-01T10:00:00.000000Z', message: 'hi' });
    expect(events.fromStorage(events.toStorage(event))).toEqual(event);
  });
});
