// pods/binding: what a scheduler's Binding does to a stored pod, shared by the HTTP handler and the in-process client.
import { errors } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';

/**
 * BindingREST's setPodNodeAndMetadata on a stored pod: the checks, spec.nodeName, a PodScheduled=True condition (a fresh
 * lastTransitionTime when it changes) and no nominatedNodeName. `now` is RFC 3339.
 */
export function bindPod(current: KubeObject, nodeName: string, now: string, uid?: string): KubeObject {
  const name = current.metadata.name ?? '';
  const conflict = (message: string) => errors.conflict({ group: '', resource: 'pods/binding' }, name, message);
  if (uid && current.metadata.uid !== uid) {
    throw conflict(`Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  const spec = (current.spec ?? {}) as Record<string, unknown>;
  if (current.metadata.deletionTimestamp) throw conflict(`pod ${name} is being deleted, cannot be assigned to a host`);
  if (spec.nodeName) throw conflict(`pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
  if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) throw conflict(`pod ${name} has non-empty .spec.schedulingGates`);
  const status = (current.status ?? {}) as { conditions?: Record<string, unknown>[] };
  const conditions = [...(status.conditions ?? [])];
  const index = conditions.findIndex((c) => c.type === 'PodScheduled');
  const previous = index >= 0 ? conditions[index] : undefined;
  const condition: Record<string, unknown> = {
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: previous?.status === 'True' ? previous.lastTransitionTime : now,
  };
  if (typeof current.metadata.generation === 'number') condition.observedGeneration = current.metadata.generation;
  if (index >= 0) conditions[index] = condition;
  else conditions.push(condition);
  // ClearingNominatedNodeNameAfterBinding (on by default since v1.35): the nomination has served its purpose.
  const { nominatedNodeName: _nominated, ...rest } = status as Record<string, unknown>;
  return { ...current, spec: { ...spec, nodeName }, status: { ...rest, conditions } };
}
