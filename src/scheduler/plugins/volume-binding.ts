// VolumeBinding (basic): PVCs must exist and be bound, or bindable on the node (WaitForFirstConsumer, PV node affinity).
import type { KubeObject } from '../../meta/types.js';
import { labelSelectorFromObject } from '../../meta/label-selector.js';
import { SUCCESS, status, type ClusterListers, type CycleContext, type Plugin, type Status } from '../framework.js';
import { nodeSelectorTermsMatch, type NodeSelectorTerm } from '../node-selector.js';
import { quantityValue } from '../quantity.js';

export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
/** Since v1.33; before it read "node(s) had volume node affinity conflict". */
export const ERR_REASON_NODE_CONFLICT = "node(s) didn't match PersistentVolume's node affinity";
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const STATE = 'VolumeBinding/preFilter';

interface ClaimSets {
  bound: KubeObject[];
  delayBinding: KubeObject[];
}

/** What binding the pod to one node takes: PVs to claim, and claims to provision there. */
export interface VolumeDecisions {
  staticBindings: { pv: KubeObject; pvc: KubeObject }[];
  provisions: KubeObject[];
}

type PvcSpec = { volumeName?: string; storageClassName?: string; accessModes?: string[]; volumeMode?: string; selector?: unknown; resources?: { requests?: { storage?: unknown } } };
type PvSpec = {
  storageClassName?: string;
  accessModes?: string[];
  volumeMode?: string;
  capacity?: { storage?: unknown };
  claimRef?: { namespace?: string; name?: string; uid?: string } | null;
  nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
  local?: unknown;
};

const pvcSpec = (pvc: KubeObject) => (pvc.spec ?? {}) as PvcSpec;
const pvSpec = (pv: KubeObject) => (pv.spec ?? {}) as PvSpec;

/** The claim names a pod's volumes use: `persistentVolumeClaim.claimName`, or `<pod>-<volume>` for ephemeral ones. */
export function podClaimNames(pod: KubeObject): { name: string; ephemeral: boolean }[] {
  const volumes = (pod.spec as { volumes?: { name: string; persistentVolumeClaim?: { claimName: string }; ephemeral?: unknown }[] } | undefined)?.volumes ?? [];
  const out: { name: string; ephemeral: boolean }[] = [];
  for (const v of volumes) {
    if (v.persistentVolumeClaim) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata.name}-${v.name}`, ephemeral: true });
  }
  return out;
}

/** isPVCFullyBound; a claim the PV controller marked Bound counts too, for controllers that skip the annotation. */
export function claimFullyBound(pvc: KubeObject): boolean {
  if (!pvcSpec(pvc).volumeName) return false;
  return pvc.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined || (pvc.status as { phase?: string } | undefined)?.phase === 'Bound';
}

function storageClassName(pvc: KubeObject): string {
  return pvcSpec(pvc).storageClassName ?? pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
}

/** podHasPVCs and GetPodVolumeClaims: a status for claims that block scheduling outright, or the claims split up. */
function classifyClaims(pod: KubeObject, listers: ClusterListers): Status | ClaimSets | undefined {
  const names = podClaimNames(pod);
  if (names.length === 0) return undefined;
  const namespace = pod.metadata.namespace ?? '';
  const claims: KubeObject[] = [];
  for (const { name, ephemeral } of names) {
    const pvc = listers.persistentVolumeClaim(namespace, name);
    if (!pvc) {
      const msg = ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found`;
      return status('UnschedulableAndUnresolvable', msg);
    }
    if ((pvc.status as { phase?: string } | undefined)?.phase === 'Lost') {
      return status('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvcSpec(pvc).volumeName ?? ''}"`);
    }
    if (pvc.metadata.deletionTimestamp) return status('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" is being deleted`);
    if (ephemeral && !pvc.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === pod.metadata.uid)) {
      return status('UnschedulableAndUnresolvable', `PVC ${namespace}/${name} was not created for pod ${namespace}/${pod.metadata.name} (pod is not owner)`);
    }
    claims.push(pvc);
  }
  const sets: ClaimSets = { bound: [], delayBinding: [] };
  for (const pvc of claims) {
    if (claimFullyBound(pvc)) {
      sets.bound.push(pvc);
      continue;
    }
    const className = storageClassName(pvc);
    const cls = className ? listers.storageClass(className) : undefined;
    if (className && !cls) return status('Error', `storageclass.storage.k8s.io "${className}" not found`);
    const delay = (cls as { volumeBindingMode?: string } | undefined)?.volumeBindingMode === 'WaitForFirstConsumer';
    // A pre-bound claim (volumeName set, binding not finished) waits for the PV controller like an immediate one.
    if (delay && !pvcSpec(pvc).volumeName) sets.delayBinding.push(pvc);
    else return status('UnschedulableAndUnresolvable', ERR_UNBOUND_IMMEDIATE);
  }
  return sets;
}

function pvNodeAffinityMatches(pv: KubeObject, node: KubeObject): boolean {
  const terms = pvSpec(pv).nodeAffinity?.required?.nodeSelectorTerms;
  return terms === undefined || nodeSelectorTermsMatch(terms, node);
}

/** GetLocalPersistentVolumeNodeNames: the nodes a local PV's hostname terms pin it to. */
function localPvNodeNames(pv: KubeObject): string[] {
  const spec = pvSpec(pv);
  if (!spec.local || !spec.nodeAffinity?.required) return [];
  const result = new Set<string>();
  for (const term of spec.nodeAffinity.required.nodeSelectorTerms ?? []) {
    let nodes: Set<string> | undefined;
    for (const r of term.matchExpressions ?? []) {
      if (r.key !== 'kubernetes.io/hostname' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      nodes = nodes ? new Set([...nodes].filter((n) => values.has(n))) : values;
    }
    for (const n of nodes ?? []) result.add(n);
  }
  return [...result];
}

function eligibleNodes(bound: KubeObject[], listers: ClusterListers): Set<string> | undefined {
  let eligible: Set<string> | undefined;
  for (const pvc of bound) {
    const pv = listers.persistentVolume(pvcSpec(pvc).volumeName ?? '');
    const names = pv ? localPvNodeNames(pv) : [];
    if (names.length === 0) continue;
    eligible = eligible ? new Set(names.filter((n) => eligible!.has(n))) : new Set(names);
  }
  return eligible;
}

/** FindMatchingVolume: the smallest available PV of the class that fits the claim and can reach the node. */
function findMatchingVolume(pvc: KubeObject, node: KubeObject, listers: ClusterListers, taken: Set<string>): KubeObject | undefined {
  const claim = pvcSpec(pvc);
  const wanted = quantityValue(claim.resources?.requests?.storage);
  const selector = claim.selector == null ? undefined : labelSelectorFromObject(claim.selector as never);
  let best: KubeObject | undefined;
  for (const pv of listers.persistentVolumes()) {
    const spec = pvSpec(pv);
    const name = pv.metadata.name ?? '';
    if (taken.has(name) || pv.metadata.deletionTimestamp) continue;
    const ref = spec.claimRef;
    const preBoundHere = ref && ref.namespace === pvc.metadata.namespace && ref.name === pvc.metadata.name && (!ref.uid || ref.uid === pvc.metadata.uid);
    if (ref && !preBoundHere) continue;
    if ((spec.storageClassName ?? '') !== storageClassName(pvc)) continue;
    if ((spec.volumeMode ?? 'Filesystem') !== (claim.volumeMode ?? 'Filesystem')) continue;
    if (!(claim.accessModes ?? []).every((m) => (spec.accessModes ?? []).includes(m))) continue;
    const size = quantityValue(spec.capacity?.storage);
    if (size < wanted) continue;
    if (selector && !selector.matches(pv.metadata.labels ?? {})) continue;
    if (!pvNodeAffinityMatches(pv, node)) continue;
    if (preBoundHere) return pv;
    if (!best || size < quantityValue(pvSpec(best).capacity?.storage)) best = pv;
  }
  return best;
}

/** checkVolumeProvisions: a provisioner exists and the class's allowedTopologies reach the node. */
function canProvision(pvc: KubeObject, node: KubeObject, listers: ClusterListers): boolean {
  const cls = listers.storageClass(storageClassName(pvc)) as { provisioner?: string; allowedTopologies?: { matchLabelExpressions?: { key: string; values: string[] }[] }[] } | undefined;
  if (!cls || !cls.provisioner || cls.provisioner === NO_PROVISIONER) return false;
  const topologies = cls.allowedTopologies ?? [];
  if (topologies.length === 0) return true;
  const terms: NodeSelectorTerm[] = topologies.map((t) => ({ matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In', values: e.values })) }));
  return nodeSelectorTermsMatch(terms, node);
}

/** FindPodVolumes for one node: the failure reasons in upstream's order, or what binding there would take. */
export function findPodVolumes(sets: ClaimSets, node: KubeObject, listers: ClusterListers): { reasons: string[]; decisions: VolumeDecisions } {
  const decisions: VolumeDecisions = { staticBindings: [], provisions: [] };
  let boundSatisfied = true;
  let pvsFound = true;
  for (const pvc of sets.bound) {
    const pv = listers.persistentVolume(pvcSpec(pvc).volumeName ?? '');
    if (!pv) pvsFound = false;
    else if (!pvNodeAffinityMatches(pv, node)) boundSatisfied = false;
  }
  let unboundSatisfied = true;
  const taken = new Set<string>();
  for (const pvc of sets.delayBinding) {
    const pv = findMatchingVolume(pvc, node, listers, taken);
    if (pv) {
      taken.add(pv.metadata.name ?? '');
      decisions.staticBindings.push({ pv, pvc });
    } else if (canProvision(pvc, node, listers)) decisions.provisions.push(pvc);
    else unboundSatisfied = false;
  }
  const reasons: string[] = [];
  if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
  if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
  if (!pvsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
  return { reasons, decisions };
}

interface BindingState {
  sets: ClaimSets;
  byNode: Map<string, VolumeDecisions>;
}

/** The decisions Filter recorded for the chosen node; nothing to do when the pod's claims were all bound. */
export function volumeDecisionsFor(cycle: CycleContext, nodeName: string): VolumeDecisions | undefined {
  const decisions = (cycle.state.get(STATE) as BindingState | undefined)?.byNode.get(nodeName);
  return decisions && (decisions.staticBindings.length > 0 || decisions.provisions.length > 0) ? decisions : undefined;
}

export const volumeBinding: Plugin = {
  name: 'VolumeBinding',
  preFilter(cycle, pod) {
    const classified = classifyClaims(pod, cycle.listers);
    if (classified === undefined) return { status: status('Skip') };
    if ('code' in classified) return { status: classified };
    cycle.state.set(STATE, { sets: classified, byNode: new Map() } satisfies BindingState);
    return { status: SUCCESS, nodeNames: eligibleNodes(classified.bound, cycle.listers) };
  },
  filter(cycle, _pod, node) {
    const state = cycle.state.get(STATE) as BindingState | undefined;
    if (!state) return SUCCESS;
    const { reasons, decisions } = findPodVolumes(state.sets, node.node, cycle.listers);
    if (reasons.length > 0) return status('UnschedulableAndUnresolvable', ...reasons);
    state.byNode.set(node.name, decisions);
    return SUCCESS;
  },
};
