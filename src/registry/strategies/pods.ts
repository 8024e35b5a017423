// The pods strategy: defaults and admission defaults, initial status and QoS class, selectable fields, graceful delete.
import type { KubeObject, StatusCause } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { applyDefaultTolerations, applyPodPriority } from '../defaults/pod-admission.js';
import { errors } from '../../meta/errors.js';
import { defaultPod } from '../defaults/pod.js';
import { podTable } from '../printers/pod-table.js';
import type { Strategy } from '../strategy.js';

type Containers = { name?: unknown; image?: unknown; resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }[];

/** Upstream qos.GetPodQOS, on the resources of containers and init containers. */
export function podQosClass(pod: KubeObject): string {
  const spec = (pod.spec ?? {}) as { containers?: Containers; initContainers?: Containers };
  const all = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const requests = c?.resources?.requests ?? {};
    const limits = c?.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const request = requests[r] ?? limits[r];
      if (request !== undefined || limits[r] !== undefined) any = true;
      if (limits[r] === undefined || String(request) !== String(limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function validatePod(pod: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = pod.spec;
  if (!isPlainObject(spec)) return [{ reason: 'FieldValueRequired', field: 'spec', message: 'Required value' }];
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ reason: 'FieldValueRequired', field: 'spec.containers', message: 'Required value' });
    return causes;
  }
  containers.forEach((c: unknown, i: number) => {
    const container = isPlainObject(c) ? c : {};
    if (typeof container.name !== 'string' || container.name === '') {
      causes.push({ reason: 'FieldValueRequired', field: `spec.containers[${i}].name`, message: 'Required value' });
    }
    if (typeof container.image !== 'string' || container.image.trim() === '') {
      causes.push({ reason: 'FieldValueRequired', field: `spec.containers[${i}].image`, message: 'Required value' });
    }
  });
  return causes;
}

const selectable = [
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.podIPs',
  'status.nominatedNodeName',
];

export function podStrategy(): Strategy {
  return {
    tracksGeneration: true,
    returnDeletedObject: true,
    applyDefaults: defaultPod,
    prepareForCreate(pod) {
      applyDefaultTolerations(pod);
      pod.status = { phase: 'Pending', qosClass: podQosClass(pod) };
    },
    // The Priority admission plugin: spec.priority from the pod's PriorityClass (or the global default), 403 when
    // the class does not exist or the client set a different value.
    async admitCreate(pod, ctx) {
      const classes = (await ctx.list('scheduling.k8s.io', 'priorityclasses')).map((pc) => {
        const c = pc as unknown as { metadata: { name?: string }; value?: number; preemptionPolicy?: string; globalDefault?: boolean };
        return { name: c.metadata.name ?? '', value: c.value ?? 0, preemptionPolicy: c.preemptionPolicy, globalDefault: c.globalDefault === true };
      });
      const refused = applyPodPriority(pod, {
        get: (name) => classes.find((c) => c.name === name),
        globalDefault: () => classes.filter((c) => c.globalDefault).sort((a, b) => a.value - b.value)[0],
      });
      if (refused) throw errors.forbidden({ group: '', resource: 'pods' }, pod.metadata.name ?? '', refused.message);
    },
    validate: validatePod,
    selectableFieldNames: selectable,
    selectableFields(pod) {
      const spec = (pod.spec ?? {}) as Record<string, unknown>;
      const status = (pod.status ?? {}) as Record<string, unknown>;
      const podIPs = Array.isArray(status.podIPs) ? (status.podIPs as { ip?: string }[]) : [];
      return {
        'spec.nodeName': String(spec.nodeName ?? ''),
        'spec.restartPolicy': String(spec.restartPolicy ?? ''),
        'spec.schedulerName': String(spec.schedulerName ?? ''),
        'spec.serviceAccountName': String(spec.serviceAccountName ?? ''),
        'spec.hostNetwork': String(spec.hostNetwork === true),
        'status.phase': String(status.phase ?? ''),
        'status.podIP': String(status.podIP ?? ''),
        // Upstream matches the first IP of each family; the first entry is what selectors use in practice.
        'status.podIPs': String(podIPs[0]?.ip ?? ''),
        'status.nominatedNodeName': String(status.nominatedNodeName ?? ''),
      };
    },
    table: podTable,
    gracefulDeleteSeconds(pod, requested) {
      const spec = (pod.spec ?? {}) as Record<string, unknown>;
      const phase = (pod.status as Record<string, unknown> | undefined)?.phase;
      // An unscheduled or finished pod has no kubelet to wait for: upstream deletes it at once.
      if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
      if (requested !== undefined) return requested;
      return typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
    },
  };
}
