// Strategies of the core group's resources other than pods: namespaces, services, nodes, events, secrets and more.
import { rfc3339 } from '../../clock/clock.js';
import { invalidCause } from '../../meta/field-errors.js';
import { isPlainObject, type KubeObject, type StatusCause } from '../../meta/types.js';
import { validateBuiltinFinalizerNames, validateFinalizerName } from '../../meta/validation.js';
import {
  addNamespaceFinalizer,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from '../defaults/core.js';
import { defaultPodTemplate } from '../defaults/pod.js';
import {
  addProtectionFinalizer,
  applyDefaultStorageClass,
  claimHasStorageClass,
  PV_PROTECTION_FINALIZER,
  PVC_PROTECTION_FINALIZER,
} from '../defaults/storage-admission.js';
import { isUnset } from '../defaults/util.js';
import { allocateCreate, allocateUpdate, confirmCreate } from '../defaults/service-allocation.js';
import { ServiceAllocations, type AllocationOperation } from '../defaults/service-allocations.js';
import { dropTypeDependentFields, normalizeClusterIPs, patchAllocatedValues } from '../defaults/service-update-rules.js';
import { validateService } from '../defaults/service-validation.js';
import type { Store } from '../../store/types.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { configMapTable, namespaceTable, secretTable, serviceAccountTable } from '../printers/config-tables.js';
import { eventTable, eventsV1EventTable } from '../printers/event-table.js';
import { nodeTable } from '../printers/node-table.js';
import { endpointsTable, serviceTable } from '../printers/service-tables.js';
import { persistentVolumeClaimTable, persistentVolumeTable } from '../printers/storage-tables.js';
import { replicationControllerTable } from '../printers/workload-tables.js';
import type { Strategy } from '../strategy.js';
import { fieldGetter } from './fields.js';

/** NamespaceLifecycle admission's immortal namespaces. */
const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceStrategy(): Strategy {
  return {
    forbidDelete: (ns) => (immortalNamespaces.has(ns.metadata.name ?? '') ? 'this namespace may not be deleted' : undefined),
    nameValidation: 'dns1123Label',
    returnDeletedObject: true,
    applyDefaults(ns) {
      defaultNamespace(ns);
      // Go's omitempty: the emptied list /finalize leaves behind is not serialized, so `spec: {}` is what reads show.
      if (isPlainObject(ns.spec) && Array.isArray(ns.spec.finalizers) && ns.spec.finalizers.length === 0) delete ns.spec.finalizers;
    },
    prepareForCreate(ns) {
      addNamespaceFinalizer(ns);
      ns.status = { phase: 'Active' };
    },
    prepareForUpdate(ns, old) {
      // spec.finalizers only change through /finalize (which skips this step); status only through /status.
      ns.spec = structuredClone(old.spec);
    },
    validate: validateNamespaceFinalizers,
    onDelete(ns) {
      const finalizers = (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      ns.status = { ...((ns.status as object) ?? {}), phase: 'Terminating' };
      return finalizers.length > 0 ? 'keep' : 'delete';
    },
    selectableFieldNames: ['status.phase'],
    selectableFields: fieldGetter(['status.phase']),
    table: namespaceTable,
  };
}

/** upstream ValidateNamespace's spec.finalizers rule: each a qualified name, and a standard one unless it has a path. */
function validateNamespaceFinalizers(ns: KubeObject): StatusCause[] {
  const finalizers = (ns.spec as { finalizers?: unknown } | undefined)?.finalizers;
  if (!Array.isArray(finalizers)) return [];
  const names = finalizers.map(String);
  const unqualified = validateBuiltinFinalizerNames(names, 'spec.finalizers');
  return names.flatMap((name, i) => {
    const path = `spec.finalizers[${i}]`;
    return [...validateFinalizerName(name, path), ...unqualified.filter((c) => c.field === path)];
  });
}

/** A strategy the registry hands its store to once, for state derived from what is stored. */
export type StoreAttachedStrategy = Strategy & { attach(store: Store, prefix: string): void };

/**
 * Services get ClusterIPs from 10.96.0.0/12 and NodePorts from 30000-32767 as the service REST storage hands them
 * out. The allocations are per cluster: each cluster's strategy indexes its own store (see ServiceAllocations).
 */
export function serviceStrategy(): StoreAttachedStrategy {
  const allocations = new ServiceAllocations();
  // A create's allocation, from prepareForCreate to the validation that runs right before it commits.
  const creating = new WeakMap<KubeObject, AllocationOperation>();
  return {
    nameValidation: 'dns1035Label',
    applyDefaults: defaultService,
    attach: (store, prefix) => allocations.attach(store, prefix),
    prepareForCreate(svc) {
      svc.status = { loadBalancer: {} };
      normalizeClusterIPs(svc, undefined);
      const op = allocateCreate(svc, allocations);
      if (op) creating.set(svc, op);
    },
    prepareForUpdate(svc, old) {
      // A /status write arrives as the stored object with a new status: nothing of the spec is at stake.
      const statusWrite = !deepEqual(svc.status, old.status);
      patchAllocatedValues(svc, old);
      normalizeClusterIPs(svc, old);
      allocateUpdate(svc, old, allocations);
      if (!statusWrite) dropTypeDependentFields(svc, old);
    },
    validate(svc, old, subresource) {
      const op = old ? undefined : creating.get(svc);
      const lost = op ? confirmCreate(svc, op) : [];
      return lost.length > 0 ? lost : validateService(svc, old, subresource);
    },
    selectableFieldNames: ['spec.clusterIP', 'spec.type'],
    selectableFields: fieldGetter(['spec.clusterIP', 'spec.type']),
    table: serviceTable,
  };
}

export function nodeStrategy(): Strategy {
  return {
    keepsStatusOnCreate: true,
    applyDefaults: defaultNode,
    selectableFieldNames: ['spec.unschedulable'],
    selectableFields: (node) => ({ 'spec.unschedulable': String((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true) }),
    table: nodeTable,
  };
}

const eventFields = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

export function eventStrategy(): Strategy {
  const get = fieldGetter(eventFields.filter((f) => f !== 'source'));
  return {
    allowCreateOnUpdate: true,
    selectableFieldNames: eventFields,
    selectableFields: (ev) => ({ ...get(ev), source: String((ev.source as { component?: string } | undefined)?.component ?? ev.reportingComponent ?? '') }),
    table: eventTable,
  };
}

/** events.k8s.io/v1 Events are core Events in another shape: stored and selected as core ones, printed as v1. */
export function eventsV1Strategy(): Strategy {
  return { table: eventsV1EventTable };
}

export function secretStrategy(): Strategy {
  return {
    applyDefaults: defaultSecret,
    // upstream ValidateSecretUpdate: a secret's type never changes.
    validate: (secret, old) => (old && secret.type !== old.type ? [invalidCause('type', secret.type, 'field is immutable')] : []),
    selectableFieldNames: ['type'],
    selectableFields: fieldGetter(['type']),
    table: secretTable,
  };
}

export function configMapStrategy(): Strategy {
  return { table: configMapTable };
}

export function serviceAccountStrategy(): Strategy {
  return { table: serviceAccountTable };
}

export function endpointsStrategy(): Strategy {
  return { allowCreateOnUpdate: true, applyDefaults: defaultEndpoints, table: endpointsTable };
}

export function persistentVolumeStrategy(): Strategy {
  return {
    applyDefaults: defaultPersistentVolume,
    prepareForCreate(pv, { now }) {
      pv.status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339(now) };
    },
    prepareForUpdate(pv, old, { now }) {
      stampPhaseTransition(pv, old, now);
    },
    admitCreate: async (pv) => addProtectionFinalizer(pv, PV_PROTECTION_FINALIZER),
    table: persistentVolumeTable,
  };
}

/**
 * Upstream's PV status strategy: a phase change the client did not date itself is dated now; otherwise the stored
 * time stays. Spec writes carry the stored status, so only status writes can change the phase.
 */
function stampPhaseTransition(pv: KubeObject, old: KubeObject, now: number): void {
  if (!isPlainObject(pv.status)) return;
  const status = pv.status;
  const oldStatus = isPlainObject(old.status) ? old.status : {};
  if (status.phase === oldStatus.phase) {
    if (isUnset(status.lastPhaseTransitionTime) && !isUnset(oldStatus.lastPhaseTransitionTime)) {
      status.lastPhaseTransitionTime = oldStatus.lastPhaseTransitionTime;
    }
  } else if (isUnset(status.lastPhaseTransitionTime) || status.lastPhaseTransitionTime === oldStatus.lastPhaseTransitionTime) {
    status.lastPhaseTransitionTime = rfc3339(now);
  }
}

export function persistentVolumeClaimStrategy(): Strategy {
  return {
    applyDefaults: defaultPersistentVolumeClaim,
    prepareForCreate(pvc) {
      pvc.status = { phase: 'Pending' };
    },
    async admitCreate(pvc, ctx) {
      if (!claimHasStorageClass(pvc)) applyDefaultStorageClass(pvc, await ctx.list('storage.k8s.io', 'storageclasses'));
      addProtectionFinalizer(pvc, PVC_PROTECTION_FINALIZER);
    },
    table: persistentVolumeClaimTable,
  };
}

export function replicationControllerStrategy(): Strategy {
  return {
    tracksGeneration: true,
    applyDefaults: defaultReplicationController,
    selectableFieldNames: ['status.replicas'],
    selectableFields: fieldGetter(['status.replicas']),
    table: replicationControllerTable,
  };
}

export function podTemplateStrategy(): Strategy {
  return { applyDefaults: defaultPodTemplate };
}

export function limitRangeStrategy(): Strategy {
  return { applyDefaults: defaultLimitRange };
}
