// QoS classes as upstream computes them, and as the kubelet reports them in the status.
import type { KubeObject } from '../meta/types.js';
import { createPod, podStatusOf, startKubeletTestbed } from './kubelet-test-kit.js';
import { computePodQos } from './pod-qos.js';

function pod(containers: Record<string, unknown>[], extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'p' }, spec: { containers, ...extra } };
}

const both = (cpu: string, memory: string) => ({ cpu, memory });

describe('computePodQos', () => {
  it('is BestEffort without cpu or memory requests and limits (other resources do not count)', () => {
    expect(computePodQos(pod([{ name: 'a' }]))).toBe('BestEffort');
    expect(computePodQos(pod([{ name: 'a', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'ephemeral-storage': '1Gi' } } }]))).toBe('BestEffort');
    expect(computePodQos(pod([{ name: 'a', resources: { requests: { cpu: '0' } } }]))).toBe('BestEffort');
  });

  it('is Guaranteed when every container limits cpu and memory and requests equal limits, however written', () => {
    expect(computePodQos(pod([{ name: 'a', resources: { requests: both('1', '1Gi'), limits: both('1000m', '1024Mi') } }]))).toBe('Guaranteed');
    expect(
      computePodQos(
        pod([{ name: 'a', resources: { requests: both('500m', '128Mi'), limits: both('500m', '128Mi') } }], {
          initContainers: [{ name: 'i', resources: { requests: both('100m', '64Mi'), limits: both('100m', '64Mi') } }],
        }),
      ),
    ).toBe('Guaranteed');
  });

  it('is Burstable otherwise', () => {
    expect(computePodQos(pod([{ name: 'a', resources: { requests: { cpu: '100m' } } }]))).toBe('Burstable');
    expect(computePodQos(pod([{ name: 'a', resources: { requests: both('1', '1Gi'), limits: both('2', '1Gi') } }]))).toBe('Burstable');
    expect(computePodQos(pod([{ name: 'a', resources: { requests: { cpu: '1' }, limits: { cpu: '1' } } }]))).toBe('Burstable');
    expect(
      computePodQos(pod([{ name: 'a', resources: { requests: both('1', '1Gi'), limits: both('1', '1Gi') } }, { name: 'b' }])),
    ).toBe('Burstable');
  });

  it('uses pod-level resources when the pod sets them', () => {
    const containers = [{ name: 'a', resources: { requests: { cpu: '100m' } } }];
    expect(computePodQos(pod(containers, { resources: { requests: both('1', '1Gi'), limits: both('1', '1Gi') } }))).toBe('Guaranteed');
    expect(computePodQos(pod(containers, { resources: { limits: { cpu: '1' } } }))).toBe('Burstable');
  });
});

describe('qosClass in the status', () => {
  it('is reported for each class', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 0 } });
    try {
      await createPod(tb, 'guaranteed', [{ name: 'a', image: 'nginx:1.27', resources: { requests: both('1', '1Gi'), limits: both('1', '1Gi') } }]);
      await createPod(tb, 'burstable', [{ name: 'a', image: 'nginx:1.27', resources: { requests: { memory: '64Mi' } } }]);
      await createPod(tb, 'besteffort', [{ name: 'a', image: 'nginx:1.27' }]);
      await tb.settle();
      expect(await Promise.all(['guaranteed', 'burstable', 'besteffort'].map(async (n) => (await podStatusOf(tb, n)).qosClass))).toEqual([
        'Guaranteed',
        'Burstable',
        'BestEffort',
      ]);
      expect((await podStatusOf(tb, 'guaranteed')).containerStatuses![0]).toMatchObject({
        allocatedResources: both('1', '1Gi'),
        resources: { requests: both('1', '1Gi'), limits: both('1', '1Gi') },
      });
    } finally {
      await tb.close();
    }
  });
});
