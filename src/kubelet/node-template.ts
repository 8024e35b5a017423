// Node objects as a kind or kwok cluster shows them: names, topology labels, capacity, addresses, nodeInfo, conditions.
import type { KubeObject } from '../meta/types.js';
import { allocatableFor, defaultNodeCapacity } from './node-resources.js';
import { healthyConditions, kubeletPort, nodeSystemInfo, runtimeStatus } from './node-status.js';

/**
 * Set to `"false"` on a Node to stop simulating it: its kubelet no longer renews the Lease or posts status (and runs no
 * pods), as if the machine had dropped off the network. Removing the annotation starts the kubelet again.
 */
export const simulateAnnotation = 'kubefake.dev/simulate';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

/** One node to build; everything but `name` has a default. */
export interface NodeSpecification {
  name: string;
  /**
   * Position in the cluster: picks the pod CIDR `10.244.<index>.0/24` (past 255 nodes, on into 10.245.0.0/16 and up) and
   * the InternalIP `172.18.0.<index + 2>` (likewise carried into the third octet).
   */
  index?: number;
  zone?: string;
  region?: string;
  instanceType?: string;
  /** Extra labels, applied over the defaults. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: Taint[];
  /** Replaces the default capacity (resources not named keep their default). */
  capacity?: Record<string, string>;
  /** Defaults to capacity less the kubelet's reservations. */
  allocatable?: Record<string, string>;
  unschedulable?: boolean;
  /** A kind control-plane node: the control-plane role label and NoSchedule taint. */
  controlPlane?: boolean;
  /** `false` creates the node with the simulate annotation off: it never heartbeats. */
  simulate?: boolean;
  architecture?: string;
  operatingSystem?: string;
}

export interface DefaultNodesOptions {
  /** Node names start with it: `<prefix>-worker`, `<prefix>-worker2`… (default `kubefake`, as kind uses `kind`). */
  namePrefix?: string;
  /** Worker i goes to zone `zones[i % zones.length]` (default `zone-a`, `zone-b`, `zone-c`). */
  zones?: string[];
  region?: string;
  /** Adds `<prefix>-control-plane` first, tainted NoSchedule for everything but control-plane pods. */
  controlPlane?: boolean;
  /** Per-node overrides, by position among the nodes returned (the control plane first when there is one). */
  overrides?: Partial<NodeSpecification>[] | ((index: number) => Partial<NodeSpecification> | undefined);
  /** When the nodes are created (ms since the epoch): their conditions' heartbeat and transition times. */
  now?: number;
}

export const defaultZones = ['zone-a', 'zone-b', 'zone-c'];
export const defaultRegion = 'region-1';
export const defaultInstanceType = 'kubefake.standard-4';
export const controlPlaneTaint: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/** Whether the kubelet simulates this node (every node, unless annotated `kubefake.dev/simulate: "false"`). */
export function isNodeSimulated(node: KubeObject): boolean {
  return node.metadata.annotations?.[simulateAnnotation] !== 'false';
}

/** kind's names: `<prefix>-worker`, `<prefix>-worker2`, `<prefix>-worker3`… */
export function workerName(prefix: string, workerIndex: number): string {
  return `${prefix}-worker${workerIndex === 0 ? '' : workerIndex + 1}`;
}

/** The specifications `defaultNodes` builds from, for callers that want to adjust them first. */
export function defaultNodeSpecifications(count: number, options: DefaultNodesOptions = {}): NodeSpecification[] {
  const prefix = options.namePrefix ?? 'kubefake';
  const zones = options.zones && options.zones.length > 0 ? options.zones : defaultZones;
  const specs: NodeSpecification[] = [];
  if (options.controlPlane) specs.push({ name: `${prefix}-control-plane`, controlPlane: true });
  for (let i = 0; i < count; i++) specs.push({ name: workerName(prefix, i) });
  return specs.map((spec, index) => {
    const override = typeof options.overrides === 'function' ? options.overrides(index) : options.overrides?.[index];
    return { ...spec, index, zone: zones[index % zones.length], region: options.region ?? defaultRegion, ...(override ?? {}) };
  });
}

/** `count` worker nodes (plus a control plane if asked), as `kubefake --nodes <count>` creates them. */
export function defaultNodes(count: number, options: DefaultNodesOptions = {}): KubeObject[] {
  return defaultNodeSpecifications(count, options).map((spec) => nodeObject(spec, options.now));
}

function nodeLabels(spec: NodeSpecification, zone: string, region: string): Record<string, string> {
  const arch = spec.architecture ?? 'amd64';
  const os = spec.operatingSystem ?? 'linux';
  const instanceType = spec.instanceType ?? defaultInstanceType;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/instance-type': instanceType,
    'beta.kubernetes.io/os': os,
    'failure-domain.beta.kubernetes.io/region': region,
    'failure-domain.beta.kubernetes.io/zone': zone,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': os,
    'node.kubernetes.io/instance-type': instanceType,
    'topology.kubernetes.io/region': region,
    'topology.kubernetes.io/zone': zone,
  };
  if (spec.controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  return { ...labels, ...(spec.labels ?? {}) };
}

/**
 * A complete Node, status included, as a registered kubelet leaves it; `now` (ms) stamps its conditions. Creating it
 * is the whole registration: the apiserver keeps a Node's status on create.
 */
export function nodeObject(spec: NodeSpecification, now = 0): KubeObject {
  const index = spec.index ?? 0;
  const zone = spec.zone ?? defaultZones[index % defaultZones.length]!;
  const region = spec.region ?? defaultRegion;
  const capacity = { ...defaultNodeCapacity, ...(spec.capacity ?? {}) };
  const annotations: Record<string, string> = { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true', ...(spec.annotations ?? {}) };
  if (spec.simulate === false) annotations[simulateAnnotation] = 'false';
  const taints = [...(spec.controlPlane ? [controlPlaneTaint] : []), ...(spec.taints ?? [])];
  // kind's 10.244.0.0/16 holds 256 node /24s; bigger simulated clusters carry on into the next /16s.
  const podCIDR = `10.${244 + Math.floor(index / 256)}.${index % 256}.0/24`;
  const nodeSpec: Record<string, unknown> = { podCIDR, podCIDRs: [podCIDR], providerID: `kubefake://kubefake/${spec.name}` };
  if (taints.length > 0) nodeSpec.taints = taints.map((t) => ({ ...t }));
  if (spec.unschedulable) nodeSpec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: spec.name, labels: nodeLabels(spec, zone, region), annotations },
    spec: nodeSpec,
    status: {
      addresses: [
        { type: 'InternalIP', address: `172.18.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}` },
        { type: 'Hostname', address: spec.name },
      ],
      allocatable: spec.allocatable ? { ...spec.allocatable } : allocatableFor(capacity),
      capacity,
      conditions: healthyConditions(now),
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      nodeInfo: nodeSystemInfo(spec.name, spec.architecture, spec.operatingSystem),
      ...runtimeStatus(),
    },
  };
}
