// Which PV a claim gets (upstream's persistentVolumeOrderedIndex and FindMatchingVolume): smallest fit, pre-binding first.
import { labelSelectorFromObject, type LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { claimClass, claimKeyOf, claimSpec, isVolumeBoundToClaim, volumeClass, volumeSpec, volumeStatus } from '../shared/storage-helpers.js';
import { compareQuantities } from './quantity-value.js';

/** The access modes in the order upstream's GetAccessModesAsString writes them; others are not indexed. */
const ACCESS_MODE_ORDER = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

function requestedStorage(pvc: KubeObject): unknown {
  return claimSpec(pvc).resources?.requests?.storage;
}

function capacityOf(pv: KubeObject): unknown {
  return volumeSpec(pv).capacity?.storage;
}

/** Upstream's CheckVolumeModeMismatches: an unset mode on either side means Filesystem. */
export function volumeModeMismatch(pvc: KubeObject, pv: KubeObject): boolean {
  return (claimSpec(pvc).volumeMode ?? 'Filesystem') !== (volumeSpec(pv).volumeMode ?? 'Filesystem');
}

/** Upstream's CheckAccessModes: the volume offers every mode the claim asks for. */
export function accessModesSatisfied(pvc: KubeObject, pv: KubeObject): boolean {
  const offered = new Set(volumeSpec(pv).accessModes ?? []);
  return (claimSpec(pvc).accessModes ?? []).every((mode) => offered.has(mode));
}

/**
 * Upstream's checkVolumeSatisfyClaim, for a claim that names its volume: why that volume cannot be bound to it, or
 * undefined when it can. The claim's selector is not consulted here, as upstream does not.
 */
export function volumeUnsuitableForClaim(pv: KubeObject, pvc: KubeObject): string | undefined {
  if (pv.metadata.deletionTimestamp) return `the volume is marked for deletion "${pv.metadata.name}"`;
  if (compareQuantities(capacityOf(pv), requestedStorage(pvc)) < 0) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(pvc)) return 'storageClassName does not match';
  if (volumeModeMismatch(pvc, pv)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(pvc, pv)) return 'incompatible accessMode';
  return undefined;
}

function indexedModes(pv: KubeObject): string[] {
  const modes = new Set(volumeSpec(pv).accessModes ?? []);
  return ACCESS_MODE_ORDER.filter((mode) => modes.has(mode));
}

/**
 * Upstream's FindMatchingVolume in the PV controller's path (no node). A volume pre-bound to the claim wins outright;
 * with delayed binding only such a volume is taken (the scheduler binds the others); else the smallest Available
 * volume of the claim's class whose labels match its selector.
 */
function findMatchingVolume(pvc: KubeObject, volumes: KubeObject[], selector: LabelSelector | undefined, delayBinding: boolean): KubeObject | undefined {
  const requested = requestedStorage(pvc);
  const requestedClass = claimClass(pvc);
  const claimVac = claimSpec(pvc).volumeAttributesClassName ?? '';
  let smallest: KubeObject | undefined;
  for (const pv of volumes) {
    const spec = volumeSpec(pv);
    if (spec.claimRef && !isVolumeBoundToClaim(pv, pvc)) continue;
    if (compareQuantities(capacityOf(pv), requested) < 0) continue;
    if (volumeModeMismatch(pvc, pv)) continue;
    if ((spec.volumeAttributesClassName ?? '') !== claimVac) continue;
    if (pv.metadata.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(pv, pvc)) return pv;
    if (delayBinding) continue;
    if (volumeStatus(pv).phase !== 'Available') continue;
    if (selector && !selector.matches(pv.metadata.labels ?? {})) continue;
    if (volumeClass(pv) !== requestedClass) continue;
    if (!smallest || compareQuantities(capacityOf(smallest), capacityOf(pv)) > 0) smallest = pv;
  }
  return smallest;
}

/**
 * Upstream's findBestMatchForClaim: volumes are grouped by their set of access modes, and the groups offering every
 * mode the claim asks for are searched fewest modes first, so a claim gets what is closest to what it asked for.
 */
export function findBestMatchForClaim(pvc: KubeObject, volumes: KubeObject[], delayBinding: boolean): KubeObject | undefined {
  const selectorSpec = claimSpec(pvc).selector;
  let selector: LabelSelector | undefined;
  if (selectorSpec) {
    try {
      selector = labelSelectorFromObject(selectorSpec);
    } catch (err) {
      throw new Error(`error creating internal label selector for claim: ${claimKeyOf(pvc)}: ${(err as Error).message}`);
    }
  }
  const groups = new Map<string, KubeObject[]>();
  for (const pv of volumes) {
    const key = indexedModes(pv).join(',');
    groups.set(key, [...(groups.get(key) ?? []), pv]);
  }
  const requested = claimSpec(pvc).accessModes ?? [];
  const candidates = [...groups.entries()]
    .map(([key, members]) => ({ modes: key === '' ? [] : key.split(','), members }))
    .filter(({ modes }) => requested.every((mode) => modes.includes(mode)))
    .sort((a, b) => a.modes.length - b.modes.length);
  for (const { members } of candidates) {
    const found = findMatchingVolume(pvc, members, selector, delayBinding);
    if (found) return found;
  }
  return undefined;
}
