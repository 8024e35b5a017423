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

export function scaleOf(object: KubeObject): KubeObject {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const status = (object.status ?? {}) as Record<string, unknown>;
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
    spec: { replicas: (spec.replicas as number | undefined) ?? 0 },
    status: { replicas: (status.replicas as number | undefined) ?? 0, selector: selectorString(spec.selector) },
  };
}

export function scaleView(view: ObjectView): ObjectView {
  return viewOf(scaleOf(view.object as KubeObject));
}

/** Applies a Scale written by a client to its parent object: only spec.replicas moves. */
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
  if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
    throw errors.invalid('Scale', 'autoscaling', parent.metadata.name ?? '', [
      { reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` },
    ]);
  }
  const next = { ...parent, spec: { ...((parent.spec ?? {}) as object), replicas: replicas ?? 0 } };
  next.metadata = { ...parent.metadata };
  if (typeof meta.resourceVersion === 'string' && meta.resourceVersion) next.metadata.resourceVersion = meta.resourceVersion;
  void resource;
  return next;
}
