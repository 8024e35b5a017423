// Strategies of the core group's resources other than pods: namespaces, services, nodes, events, secrets and more.
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
import { initServiceIPFamilies } from '../defaults/service-ip-families.js';
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

/** Hands out ClusterIPs from 10.96.0.0/12 (10.96.0.1 is the kubernetes service) and NodePorts from 30000–32767. */
class ServiceAllocator {
  private nextIp = 10;
  private nextPort = 30000;

  clusterIP(): string {
    const n = this.nextIp++;
    return `10.${96 + ((n >> 16) & 0x0f)}.${(n >> 8) & 0xff}.${n & 0xff}`;
  }

  nodePort(): number {
    const port = this.nextPort;
    this.nextPort = port >= 32767 ? 30000 : port + 1;
    return port;
  }
}

/** upstream validateServicePort: port numbers (and numeric targetPorts) lie in 1–65535. */
function validateServicePorts(svc: KubeObject): StatusCause[] {
  const ports = isPlainObject(svc.spec) && Array.isArray(svc.spec.ports) ? (svc.spec.ports as unknown[]) : [];
  const causes: StatusCause[] = [];
  const outOfRange = (v: unknown) => typeof v === 'number' && (!Number.isInteger(v) || v < 1 || v > 65535);
  ports.forEach((port, i) => {
    if (!isPlainObject(port)) return;
    if (outOfRange(port.port)) causes.push(invalidCause(`spec.ports[${i}].port`, port.port, 'must be between 1 and 65535, inclusive'));
    if (port.targetPort !== 0 && outOfRange(port.targetPort)) {
      causes.push(invalidCause(`spec.ports[${i}].targetPort`, port.targetPort, 'must be between 1 and 65535, inclusive'));
    }
  });
  return causes;
}

export function serviceStrategy(): Strategy {
  const allocate = new ServiceAllocator();
  const assign = (svc: KubeObject, old?: KubeObject) => {
    const spec = svc.spec;
    if (!isPlainObject(spec)) return;
    const oldSpec = isPlainObject(old?.spec) ? old.spec : undefined;
    if (spec.type !== 'ExternalName') {
      if (!spec.clusterIP && oldSpec?.clusterIP) spec.clusterIP = oldSpec.clusterIP;
      if (!spec.clusterIP) spec.clusterIP = allocate.clusterIP();
      if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) spec.clusterIPs = [spec.clusterIP];
    }
    initServiceIPFamilies(svc, { old });
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && Array.isArray(spec.ports)) {
      const oldPorts = Array.isArray(oldSpec?.ports) ? (oldSpec.ports as Record<string, unknown>[]) : [];
      for (const port of spec.ports as Record<string, unknown>[]) {
        if (!isPlainObject(port) || port.nodePort) continue;
        const same = oldPorts.find((p) => p.port === port.port && p.protocol === port.protocol);
        port.nodePort = same?.nodePort ?? allocate.nodePort();
      }
    }
  };
  return {
    nameValidation: 'dns1035Label',
    applyDefaults: defaultService,
    prepareForCreate(svc) {
      svc.status = { loadBalancer: {} };
      assign(svc);
    },
    prepareForUpdate(svc, old) {
      assign(svc, old);
    },
    validate: validateServicePorts,
    selectableFieldNames: ['spec.clusterIP', 'spec.type'],
    selectableFields: fieldGetter(['spec.clusterIP', 'spec.type']),
    table: serviceTable,
  };
}

export function nodeStrategy(): Strategy {
  return {
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
    prepareForCreate(pv) {
      pv.status = { phase: 'Pending' };
    },
    table: persistentVolumeTable,
  };
}

export function persistentVolumeClaimStrategy(): Strategy {
  return {
    applyDefaults: defaultPersistentVolumeClaim,
    prepareForCreate(pvc) {
      pvc.status = { phase: 'Pending' };
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
