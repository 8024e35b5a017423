// Pod and host IPs from each node, which nodes are simulated, and the IP allocator on its own.
import { createNode, createPod, podStatusOf, startKubeletTestbed } from './kubelet-test-kit.js';
import { formatIPv6, parseIPv4, parseIPv6, PodIpAllocator } from './pod-ip.js';

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - Number(bits))) - 1n);
  return (parseIPv4(ip)! & mask) === (parseIPv4(base!)! & mask);
}

describe('pod IPs', () => {
  it('are distinct, come from the node’s podCIDR, and hostIP is the node’s InternalIP', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 0 } });
    try {
      await createNode(tb, 'node-2', { podCIDR: '10.244.2.0/24', internalIP: '172.18.0.3' });
      for (const name of ['a', 'b', 'c']) await createPod(tb, name, [{ name: 'c', image: 'nginx:1.27' }]);
      await createPod(tb, 'd', [{ name: 'c', image: 'nginx:1.27' }], { node: 'node-2' });
      await tb.settle();
      const statuses = await Promise.all(['a', 'b', 'c', 'd'].map((n) => podStatusOf(tb, n)));
      expect(statuses.map((s) => [s.podIP, s.hostIP])).toEqual([
        ['10.244.1.2', '172.18.0.2'],
        ['10.244.1.3', '172.18.0.2'],
        ['10.244.1.4', '172.18.0.2'],
        ['10.244.2.2', '172.18.0.3'],
      ]);
      expect(statuses.slice(0, 3).every((s) => inCidr(s.podIP!, '10.244.1.0/24'))).toBe(true);
      expect(statuses.every((s) => s.podIPs!.length === 1 && s.podIPs![0]!.ip === s.podIP)).toBe(true);

      // A freed address is not handed out again straight away (round-robin, like host-local).
      await tb.client.delete('v1', 'pods', 'default', 'b', { gracePeriodSeconds: 0 });
      await createPod(tb, 'e', [{ name: 'c', image: 'nginx:1.27' }]);
      await tb.settle();
      expect((await podStatusOf(tb, 'e')).podIP).toBe('10.244.1.5');
    } finally {
      await tb.close();
    }
  });

  it('gives host-network pods the node’s addresses and dual-stack nodes two families', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 0 } });
    try {
      await createNode(tb, 'dual', { podCIDRs: ['10.244.3.0/24', 'fd00:10:244:3::/64'], internalIP: '172.18.0.4' });
      await createPod(tb, 'host', [{ name: 'c', image: 'nginx:1.27' }], { extraSpec: { hostNetwork: true } });
      await createPod(tb, 'both', [{ name: 'c', image: 'nginx:1.27' }], { node: 'dual' });
      await tb.settle();
      expect(await podStatusOf(tb, 'host')).toMatchObject({ podIP: '172.18.0.2', podIPs: [{ ip: '172.18.0.2' }], phase: 'Running' });
      expect(await podStatusOf(tb, 'both')).toMatchObject({ podIP: '10.244.3.2', podIPs: [{ ip: '10.244.3.2' }, { ip: 'fd00:10:244:3::2' }] });
    } finally {
      await tb.close();
    }
  });

  it('come from a range derived from the node name when the node has no podCIDR', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 0 } });
    try {
      await createNode(tb, 'bare');
      await createPod(tb, 'p', [{ name: 'c', image: 'nginx:1.27' }], { node: 'bare' });
      await tb.settle();
      const status = await podStatusOf(tb, 'p');
      expect(status.podIP).toMatch(/^10\.244\.\d+\.2$/);
      expect(status.hostIP).toMatch(/^172\.18\.0\.\d+$/);
    } finally {
      await tb.close();
    }
  });
});

describe('simulated nodes', () => {
  it('leaves pods alone on a node annotated kubefake.dev/simulate: "false", or on no node at all', async () => {
    const tb = await startKubeletTestbed({ defaults: { sandboxReady: 0, timeToRunning: 0 } });
    try {
      await createNode(tb, 'real', { annotations: { 'kubefake.dev/simulate': 'false' } });
      await createPod(tb, 'on-real', [{ name: 'c', image: 'nginx:1.27' }], { node: 'real' });
      await createPod(tb, 'nowhere', [{ name: 'c', image: 'nginx:1.27' }], { node: 'ghost' });
      await tb.advance(10_000);
      expect((await podStatusOf(tb, 'on-real')).startTime).toBeUndefined();
      expect((await podStatusOf(tb, 'nowhere')).startTime).toBeUndefined();

      // Once the node appears (or is simulated after all) its pods start.
      await createNode(tb, 'ghost');
      await tb.client.patch('v1', 'nodes', undefined, 'real', 'merge', { metadata: { annotations: { 'kubefake.dev/simulate': null } } });
      await tb.settle();
      expect((await podStatusOf(tb, 'on-real')).phase).toBe('Running');
      expect((await podStatusOf(tb, 'nowhere')).phase).toBe('Running');
    } finally {
      await tb.close();
    }
  });
});

describe('PodIpAllocator', () => {
  it('skips the network, gateway and broadcast addresses, and fails when the range is full', () => {
    const ips = new PodIpAllocator();
    const got = Array.from({ length: 5 }, (_, i) => ips.allocate('n', ['10.0.0.0/29'], `pod-${i}`)[0]);
    expect(got).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(() => ips.allocate('n', ['10.0.0.0/29'], 'pod-x')).toThrow('failed to allocate for range 10.0.0.0/29: no IP addresses available in range set');
    expect(ips.allocate('n', ['10.0.0.0/29'], 'pod-0')).toEqual(['10.0.0.2']);
    ips.release('pod-2');
    expect(ips.allocate('n', ['10.0.0.0/29'], 'pod-y')).toEqual(['10.0.0.4']);
  });

  it('keeps addresses pods already report', () => {
    const ips = new PodIpAllocator();
    ips.reserve('n', ['10.0.1.0/24'], 'old', ['10.0.1.2']);
    expect(ips.allocate('n', ['10.0.1.0/24'], 'new')).toEqual(['10.0.1.3']);
  });

  it('reads and writes IPv6 as RFC 5952 does', () => {
    expect(formatIPv6(parseIPv6('fd00:10:244:0:0:0:0:2')!)).toBe('fd00:10:244::2');
    expect(formatIPv6(parseIPv6('2001:db8:0:1:0:0:1:1')!)).toBe('2001:db8:0:1::1:1');
    expect(formatIPv6(parseIPv6('::1')!)).toBe('::1');
    expect(parseIPv6('1::2::3')).toBeUndefined();
  });
});
