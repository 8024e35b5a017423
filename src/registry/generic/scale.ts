// The scale subresource: an autoscaling/v1 Scale view of spec.replicas, status.replicas and the label selector.
import { errors } from '../../meta/errors.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import type { Resource } from '../resource.js';
import { viewOf, type ObjectView } from './context.js';

/** Renders a metav1.LabelSelector (or an RC's plain map) in the query syntax Scale.status.selector carries. */
export function selectorString(selector: unknown): string {
  if (!isPlainObject(selector)) return '';
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const parts: string[] = [];
  const labels = (isLabelSelector ? selector.matchLabels : selector) as Record<string, string> | undefined;
  for (const key of Object.keys(labels ?? {}).sort()) parts.push(`${key}=${labels![key]}`);
  if (isLabelSelector && Array.isArray(selector.matchExpressions)) {
    for (const expr of selector.matchExpressions as { key: string; operator: string; values?: string[] }[]) {
      const values = [...(expr.values ?? [])].sort().join(',');
      if (expr.operator === 'In') parts.push(`${expr.key} in (${values})`);
      else if (expr.operator === 'NotIn') parts.push(`${expr.key} notin (${values})`);
      else if (expr.operator === 'Exists') parts.push(expr.key);
      else if (expr.operator === 'DoesNotExist') parts.push(`!${expr.key}`);
    }
  }
  return parts.sort().join(',');
}

/** The Scale of an object; `resource` decides where replicas live (custom resources name their own paths). */
export function scaleOf(object: KubeObject, resource?: Resource, purpose: 'get' | 'update' = 'update'): KubeObject {
  const custom = resource?.strategy.scale;
  if (custom) return custom.scaleOf(object, purpose);
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const status = (object.status ?? {}) as Record<string, unknown>;
  return scaleObject(object, (spec.replicas as number | undefined) ?? 0, (status.replicas as number | undefined) ?? 0, selectorString(spec.selector));
}

export function scaleView(view: ObjectView, resource?: Resource): ObjectView {
  return viewOf(scaleOf(view.object as KubeObject, resource, 'get'));
}

/** Applies a Scale written by a client to its parent object: only the desired replicas move. */
export function applyScale(resource: Resource, parent: KubeObject, scale: unknown): KubeObject {
  if (!isPlainObject(scale)) throw errors.badRequest('the body of the request was not a Scale object');
  if (scale.kind !== undefined && scale.kind !== 'Scale') {
    throw errors.badRequest(`the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`);
  }
  const meta = (isPlainObject(scale.metadata) ? scale.metadata : {}) as Record<string, unknown>;
  if (meta.name !== undefined && meta.name !== parent.metadata.name) {
    throw errors.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${parent.metadata.name})`);
  }
  const replicas = isPlainObject(scale.spec) ? scale.spec.replicas : undefined;
  const custom = resource.strategy.scale;
  // A custom resource's missing replicas are refused before the Scale is validated, as upstream's UpdatedObject does.
  const customNext = custom && (typeof replicas === 'number' || replicas === undefined) ? custom.withReplicas(parent, replicas ?? 0) : undefined;
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    throw errors.invalid('Scale', 'autoscaling', parent.metadata.name ?? '', [
      { reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` },
    ]);
  }
  const next = customNext
    ?? { ...parent, spec: { ...((parent.spec ?? {}) as object), replicas: replicas ?? 0 } };
  next.metadata = { ...next.metadata };
  if (typeof meta.resourceVersion === 'string' && meta.resourceVersion) next.metadata.resourceVersion = meta.resourceVersion;
  return next;
}

/** The autoscaling/v1 Scale of an object: its identity, and the replicas and selector the caller read from it. */
export function scaleObject(object: KubeObject, specReplicas: number, statusReplicas: number, selector: string): KubeObject {
  const meta = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: specReplicas },
    status: { replicas: statusReplicas, selector },
  };
}
