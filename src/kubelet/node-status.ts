// The node status a simulated kubelet posts: its condition setters, and the fields it fills in when they are missing.
import { rfc3339 } from '../clock/clock.js';
import { fnv32a } from '../controllers/shared/pod-util.js';
import { deepEqual } from '../meta/deep-equal.js';
import type { KubeObject } from '../meta/types.js';
import { defaultNodeCapacity } from './node-resources.js';

export interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NodeStatus {
  conditions?: NodeCondition[];
  addresses?: { type: string; address: string }[];
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  nodeInfo?: Record<string, string>;
  daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  [field: string]: unknown;
}

/** An Event the kubelet records about its node, as `recordNodeStatusEvent` does. */
export interface KubeletEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

interface PressureState {
  status: 'True' | 'False';
  reason: string;
  message: string;
  event: string;
}

/** The kubelet's pressure conditions in the order its setters append them (Ready always comes last). */
const pressureConditions: { type: string; ok: PressureState; pressure: PressureState }[] = [
  {
    type: 'MemoryPressure',
    ok: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', event: 'NodeHasSufficientMemory' },
    pressure: { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available', event: 'NodeHasInsufficientMemory' },
  },
  {
    type: 'DiskPressure',
    ok: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', event: 'NodeHasNoDiskPressure' },
    pressure: { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure', event: 'NodeHasDiskPressure' },
  },
  {
    type: 'PIDPressure',
    ok: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', event: 'NodeHasSufficientPID' },
    pressure: { status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available', event: 'NodeHasInsufficientPID' },
  },
];

export const kubeletReady = { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' } as const;

/** Reasons the node lifecycle controller writes when the kubelet went quiet; a kubelet that is back overrides them. */
const nodeControllerReasons = new Set(['NodeStatusUnknown', 'NodeStatusNeverUpdated']);

export const kubeletVersion = 'v1.36.0';
export const kubeletPort = 10250;

/** The conditions of a healthy node, all stamped `at` (heartbeat and transition): how a template node starts. */
export function healthyConditions(at: number): NodeCondition[] {
  const time = rfc3339(at);
  return [
    ...pressureConditions.map(({ type, ok }) => ({ type, status: ok.status, lastHeartbeatTime: time, lastTransitionTime: time, reason: ok.reason, message: ok.message })),
    { type: 'Ready', status: kubeletReady.status, lastHeartbeatTime: time, lastTransitionTime: time, reason: kubeletReady.reason, message: kubeletReady.message },
  ];
}

/** Hex digits derived from `text` alone, so a node's machine and boot IDs are the same on every run. */
function stableHex(text: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += fnv32a(`${i}/${text}`).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The nodeInfo a kind node shows, with IDs derived from the node name. */
export function nodeSystemInfo(nodeName: string, architecture = 'amd64', operatingSystem = 'linux'): Record<string, string> {
  return {
    architecture,
    bootID: uuidFrom(stableHex(`boot/${nodeName}`, 32)),
    containerRuntimeVersion: 'containerd://2.1.1',
    kernelVersion: '6.8.0-kubefake',
    // Kubelets stopped reporting it (DisableNodeKubeProxyVersion); the field is still served, empty.
    kubeProxyVersion: '',
    kubeletVersion,
    machineID: stableHex(`machine/${nodeName}`, 32),
    operatingSystem,
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    systemUUID: uuidFrom(stableHex(`system/${nodeName}`, 32)),
  };
}

/** The runtime handlers and features containerd 2 reports through the CRI. */
export function runtimeStatus(): Pick<NodeStatus, 'features' | 'runtimeHandlers'> {
  const features = { recursiveReadOnlyMounts: true, userNamespaces: true };
  return {
    features: { supplementalGroupsPolicy: true },
    runtimeHandlers: [
      { features: { ...features }, name: '' },
      { features: { ...features }, name: 'runc' },
    ],
  };
}

/** An InternalIP for a node nobody gave one, derived from its name and kept clear of the template's 172.18.0.0/24. */
function derivedInternalIP(nodeName: string): string {
  const hash = fnv32a(`ip/${nodeName}`);
  return `172.18.${1 + (hash % 254)}.${1 + ((hash >>> 8) % 254)}`;
}

/** Labels the kubelet puts on its node when it registers, filled in only where missing. */
export function missingDefaultLabels(node: KubeObject): Record<string, string> {
  const labels = node.metadata.labels ?? {};
  const info = ((node.status as NodeStatus | undefined)?.nodeInfo ?? {}) as Record<string, string>;
  const os = labels['kubernetes.io/os'] || info.operatingSystem || 'linux';
  const arch = labels['kubernetes.io/arch'] || info.architecture || 'amd64';
  const wanted: Record<string, string> = {
    'kubernetes.io/hostname': node.metadata.name!,
    'kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'beta.kubernetes.io/arch': arch,
  };
  return Object.fromEntries(Object.entries(wanted).filter(([key]) => labels[key] === undefined));
}

function setPressureConditions(conditions: NodeCondition[], now: string, events: KubeletEvent[], nodeName: string): void {
  for (const { type, ok, pressure } of pressureConditions) {
    let condition = conditions.find((c) => c.type === type);
    if (!condition) {
      condition = { type, status: 'Unknown' };
      conditions.push(condition);
    }
    condition.lastHeartbeatTime = now;
    // A fake kubelet has no sensors: pressure is whatever the node already says, so a test can simulate it.
    const state = condition.status === 'True' ? pressure : ok;
    if (condition.status !== state.status) {
      Object.assign(condition, { status: state.status, reason: state.reason, message: state.message, lastTransitionTime: now });
      events.push({ type: 'Normal', reason: state.event, message: `Node ${nodeName} status is now: ${state.event}` });
    }
  }
}

/**
 * Whether a Ready condition was written by someone who is neither this kubelet nor the node lifecycle controller: a
 * test marking the node NotReady. The kubelet then reports it as its runtime's verdict and keeps it.
 */
export function readyOverridden(ready: NodeCondition | undefined): boolean {
  if (!ready || ready.status === 'True') return false;
  return ready.status === 'False' || !nodeControllerReasons.has(ready.reason ?? '');
}

function setReadyCondition(conditions: NodeCondition[], now: string, events: KubeletEvent[], nodeName: string): void {
  const index = conditions.findIndex((c) => c.type === 'Ready');
  const current = index >= 0 ? conditions[index] : undefined;
  if (readyOverridden(current)) {
    current!.lastHeartbeatTime = now;
    return;
  }
  const ready: NodeCondition = { type: 'Ready', ...kubeletReady, lastHeartbeatTime: now, lastTransitionTime: now };
  if (!current) {
    // A new Ready condition is appended without an Event, as upstream's ReadyCondition setter does.
    conditions.push(ready);
    return;
  }
  // The kubelet's own condition replaces the old one whole, keeping only its transition time if the status stays.
  if (current.status === ready.status) ready.lastTransitionTime = current.lastTransitionTime;
  else events.push({ type: 'Normal', reason: 'NodeReady', message: `Node ${nodeName} status is now: NodeReady` });
  conditions[index] = ready;
}

function fillAddresses(status: NodeStatus, nodeName: string): void {
  const addresses = [...(status.addresses ?? [])];
  if (!addresses.some((a) => a.type === 'InternalIP')) addresses.unshift({ type: 'InternalIP', address: derivedInternalIP(nodeName) });
  if (!addresses.some((a) => a.type === 'Hostname')) addresses.push({ type: 'Hostname', address: nodeName });
  status.addresses = addresses;
}

function fillResources(status: NodeStatus): void {
  const capacity = { ...(status.capacity ?? {}) };
  // The resources upstream's Ready setter requires; a node without them would otherwise have to be NotReady.
  for (const name of ['cpu', 'memory', 'pods', 'ephemeral-storage']) capacity[name] ??= defaultNodeCapacity[name]!;
  const allocatable = { ...(status.allocatable ?? {}) };
  for (const [name, value] of Object.entries(capacity)) allocatable[name] ??= value;
  status.capacity = capacity;
  status.allocatable = allocatable;
}

const nodeInfoFields = Object.keys(nodeSystemInfo('')).filter((field) => field !== 'kubeProxyVersion');

function fillNodeInfo(status: NodeStatus, node: KubeObject): void {
  const info = { ...(status.nodeInfo ?? {}) };
  info.kubeProxyVersion ??= '';
  if (nodeInfoFields.some((field) => !info[field])) {
    const labels = node.metadata.labels ?? {};
    const defaults = nodeSystemInfo(node.metadata.name!, labels['kubernetes.io/arch'] || 'amd64', labels['kubernetes.io/os'] || 'linux');
    for (const field of nodeInfoFields) info[field] ||= defaults[field]!;
  }
  status.nodeInfo = info;
}

export interface KubeletStatusUpdate {
  status: NodeStatus;
  /** True when something other than heartbeat times differs from what the node shows. */
  changed: boolean;
  events: KubeletEvent[];
}

/**
 * One pass of the kubelet's status setters over `node` at `now`: conditions get fresh heartbeats (and transitions where
 * the status moves), and what a kubelet always reports is filled in where missing. The caller decides whether the
 * result is worth a write (changed, or the report frequency elapsed), as tryUpdateNodeStatus does.
 */
export function kubeletNodeStatus(node: KubeObject, now: number): KubeletStatusUpdate {
  const nodeName = node.metadata.name!;
  const before = (node.status ?? {}) as NodeStatus;
  const status = structuredClone(before);
  const time = rfc3339(now);
  const events: KubeletEvent[] = [];
  fillAddresses(status, nodeName);
  fillResources(status);
  fillNodeInfo(status, node);
  if (!status.daemonEndpoints?.kubeletEndpoint?.Port) status.daemonEndpoints = { kubeletEndpoint: { Port: kubeletPort } };
  if (status.runtimeHandlers === undefined) Object.assign(status, runtimeStatus());
  const conditions = (status.conditions ?? []).map((c) => ({ ...c }));
  setPressureConditions(conditions, time, events, nodeName);
  setReadyCondition(conditions, time, events, nodeName);
  status.conditions = conditions;
  return { status, changed: !deepEqual(withoutHeartbeats(before), withoutHeartbeats(status)), events };
}

function withoutHeartbeats(status: NodeStatus): NodeStatus {
  return { ...status, conditions: (status.conditions ?? []).map(({ lastHeartbeatTime: _ignored, ...rest }) => rest) };
}

/** When the kubelet last reported status: the newest heartbeat on the node's conditions. */
export function lastHeartbeat(node: KubeObject): number | undefined {
  let latest: number | undefined;
  for (const c of ((node.status ?? {}) as NodeStatus).conditions ?? []) {
    const at = c.lastHeartbeatTime ? Date.parse(c.lastHeartbeatTime) : NaN;
    if (!Number.isNaN(at) && (latest === undefined || at > latest)) latest = at;
  }
  return latest;
}
