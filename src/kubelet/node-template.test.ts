// Default nodes look like a kind cluster's: a golden worker, names, zones, addresses, CIDRs, overrides, quantities.
import { defaultNodes, isNodeSimulated, nodeObject, simulateAnnotation } from './node-template.js';
import { allocatableFor, formatQuantity, parseQuantity } from './node-resources.js';

const t0 = Date.UTC(2026, 0, 1);

test('the first default worker, field by field', () => {
  const [worker] = defaultNodes(1, { now: t0 });
  const time = '2026-01-01T00:00:00Z';
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: time,
    lastTransitionTime: time,
    reason,
    message,
  });
  expect(worker).toEqual({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'kubefake-worker',
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 'kubefake.standard-4',
        'beta.kubernetes.io/os': 'linux',
        'failure-domain.beta.kubernetes.io/region': 'region-1',
        'failure-domain.beta.kubernetes.io/zone': 'zone-a',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': 'kubefake-worker',
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'kubefake.standard-4',
        'topology.kubernetes.io/region': 'region-1',
        'topology.kubernetes.io/zone': 'zone-a',
      },
      annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], providerID: 'kubefake://kubefake/kubefake-worker' },
    status: {
      addresses: [
        { type: 'InternalIP', address: '172.18.0.2' },
        { type: 'Hostname', address: 'kubefake-worker' },
      ],
      allocatable: { cpu: '3900m', 'ephemeral-storage': '90Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '15772Mi', pods: '110' },
      capacity: { cpu: '4', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16Gi', pods: '110' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      features: { supplementalGroupsPolicy: true },
      nodeInfo: {
        architecture: 'amd64',
        bootID: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        containerRuntimeVersion: 'containerd://2.1.1',
        kernelVersion: '6.8.0-kubefake',
        kubeProxyVersion: '',
        kubeletVersion: 'v1.36.0',
        machineID: expect.stringMatching(/^[0-9a-f]{32}$/),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      },
      runtimeHandlers: [
        { features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name: '' },
        { features: { recursiveReadOnlyMounts: true, userNamespaces: true }, name: 'runc' },
      ],
    },
  });
});

test('workers are named and spread as kind names them, over three zones', () => {
  const nodes = defaultNodes(4, { now: t0 });
  const summary = nodes.map((n) => ({
    name: n.metadata.name,
    zone: n.metadata.labels!['topology.kubernetes.io/zone'],
    cidr: (n.spec as { podCIDR: string }).podCIDR,
    ip: (n.status as { addresses: { address: string }[] }).addresses[0]!.address,
  }));
  expect(summary).toEqual([
    { name: 'kubefake-worker', zone: 'zone-a', cidr: '10.244.0.0/24', ip: '172.18.0.2' },
    { name: 'kubefake-worker2', zone: 'zone-b', cidr: '10.244.1.0/24', ip: '172.18.0.3' },
    { name: 'kubefake-worker3', zone: 'zone-c', cidr: '10.244.2.0/24', ip: '172.18.0.4' },
    { name: 'kubefake-worker4', zone: 'zone-a', cidr: '10.244.3.0/24', ip: '172.18.0.5' },
  ]);
  // Deterministic yet distinct identities.
  const ids = nodes.map((n) => (n.status as { nodeInfo: Record<string, string> }).nodeInfo);
  expect(new Set(ids.map((i) => i.machineID)).size).toBe(4);
  expect(defaultNodes(4, { now: t0 }).map((n) => (n.status as { nodeInfo: unknown }).nodeInfo)).toEqual(ids);
});

test('past 256 nodes, pod CIDRs and addresses stay valid and distinct', () => {
  const nodes = defaultNodes(1000, { now: t0 });
  const cidrs = nodes.map((n) => (n.spec as { podCIDR: string }).podCIDR);
  const ips = nodes.map((n) => (n.status as { addresses: { address: string }[] }).addresses[0]!.address);
  expect(cidrs[256]).toBe('10.245.0.0/24');
  expect(cidrs[999]).toBe('10.247.231.0/24');
  expect(ips[999]).toBe('172.18.3.233');
  expect(new Set(cidrs).size).toBe(1000);
  expect(new Set(ips).size).toBe(1000);
  for (const cidr of cidrs) expect(cidr).toMatch(/^10\.(24[4-7])\.(25[0-5]|2[0-4]\d|1?\d?\d)\.0\/24$/);
});

test('a control plane comes first, tainted, and per-node overrides apply', () => {
  const nodes = defaultNodes(2, {
    controlPlane: true,
    zones: ['eu-1a'],
    overrides: [undefined as never, { capacity: { cpu: '16', memory: '64Gi' }, labels: { pool: 'big' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }, { simulate: false, zone: 'eu-1b' }],
  });
  expect(nodes.map((n) => n.metadata.name)).toEqual(['kubefake-control-plane', 'kubefake-worker', 'kubefake-worker2']);
  const [cp, big, stopped] = nodes;
  expect(cp!.metadata.labels).toMatchObject({ 'node-role.kubernetes.io/control-plane': '', 'topology.kubernetes.io/zone': 'eu-1a' });
  expect((cp!.spec as { taints: unknown }).taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  expect(big!.metadata.labels!.pool).toBe('big');
  expect((big!.spec as { taints: unknown }).taints).toEqual([{ key: 'gpu', value: 'true', effect: 'NoSchedule' }]);
  expect((big!.status as { capacity: Record<string, string> }).capacity).toMatchObject({ cpu: '16', memory: '64Gi', pods: '110' });
  expect((big!.status as { allocatable: Record<string, string> }).allocatable).toMatchObject({ cpu: '15900m', memory: '64924Mi' });
  expect(stopped!.metadata.annotations![simulateAnnotation]).toBe('false');
  expect(stopped!.metadata.labels!['topology.kubernetes.io/zone']).toBe('eu-1b');
  expect(isNodeSimulated(stopped!)).toBe(false);
  expect(isNodeSimulated(nodeObject({ name: 'x' }))).toBe(true);
});

test('quantities print in Go canonical form', () => {
  const text = (s: string) => formatQuantity(parseQuantity(s)!);
  expect(['16Gi', '16384Mi', '16777216Ki', '4', '4000m', '1.5Gi', '0.5', '100M', '1e3', '0'].map(text)).toEqual([
    '16Gi',
    '16Gi',
    '16Gi',
    '4',
    '4',
    '1536Mi',
    '500m',
    '100M',
    '1k',
    '0',
  ]);
  expect(parseQuantity('lots')).toBeUndefined();
  expect(allocatableFor({ cpu: '50m', memory: '256Mi', 'ephemeral-storage': '1000', pods: '8' })).toEqual({
    cpu: '0',
    memory: '0',
    'ephemeral-storage': '900',
    pods: '8',
  });
});
