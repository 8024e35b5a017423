// The scale subresource of a custom resource: replicas and selector at the CRD's specReplicasPath & co. (upstream scale.go).
import { errors } from '../../meta/errors.js';
import { invalidCause } from '../../meta/field-errors.js';
import type { KubeObject, StatusCause } from '../../meta/types.js';
import { scaleObject } from '../generic/scale.js';
import type { ScaleAccess } from '../strategy.js';
import type { CustomResourceSubresourceScale } from './crd-types.js';
import { goNumber } from './schema/go-values.js';

const maxInt32 = 2147483647;
/** Upstream marks "no replicas stored yet" with the smallest int32 while a scale update is applied. */
const missingReplicas = -2147483648;

type Lookup<T> = { found: true; value: T } | { found: false } | { error: string };

function fieldsOf(path: string): string[] {
  return (path.startsWith('.') ? path.slice(1) : path).split('.');
}

function jsonPath(fields: readonly string[]): string {
  return '.' + fields.join('.');
}

/** Go's %T of a decoded JSON value. */
function goType(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's %v of a decoded JSON value, as the accessor errors print it. */
function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** unstructured.NestedFieldNoCopy: the value at the path, absent, or the accessor error for a non-map on the way. */
function nested(object: unknown, fields: readonly string[]): Lookup<unknown> {
  let current: unknown = object;
  for (let i = 0; i < fields.length; i++) {
    if (current === null || current === undefined) return { found: false };
    if (typeof current !== 'object' || Array.isArray(current)) {
      return { error: `${jsonPath(fields.slice(0, i + 1))} accessor error: ${goValue(current)} is of the type ${goType(current)}, expected map[string]interface{}` };
    }
    const record = current as Record<string, unknown>;
    if (!Object.hasOwn(record, fields[i]!)) return { found: false };
    current = record[fields[i]!];
  }
  return { found: true, value: current };
}

function nestedInt(object: unknown, fields: readonly string[]): Lookup<number> {
  const found = nested(object, fields);
  if (!('found' in found) || !found.found) return found;
  if (typeof found.value !== 'number' || !Number.isInteger(found.value)) {
    return { error: `${jsonPath(fields)} accessor error: ${goValue(found.value)} is of the type ${goType(found.value)}, expected int64` };
  }
  return { found: true, value: found.value };
}

function nestedString(object: unknown, fields: readonly string[]): Lookup<string> {
  const found = nested(object, fields);
  if (!('found' in found) || !found.found) return found;
  if (typeof found.value !== 'string') {
    return { error: `${jsonPath(fields)} accessor error: ${goValue(found.value)} is of the type ${goType(found.value)}, expected string` };
  }
  return { found: true, value: found.value };
}

/** The Scale view and write-back of one CRD version's scale paths. */
export function customResourceScale(paths: CustomResourceSubresourceScale): ScaleAccess {
  const spec = fieldsOf(paths.specReplicasPath);
  const status = fieldsOf(paths.statusReplicasPath);
  const selector = paths.labelSelectorPath ? fieldsOf(paths.labelSelectorPath) : undefined;
  return {
    scaleOf(object, purpose) {
      const specReplicas = nestedInt(object, spec);
      if ('error' in specReplicas) throw errors.internal(specReplicas.error);
      const statusReplicas = nestedInt(object, status);
      if ('error' in statusReplicas) throw errors.internal(statusReplicas.error);
      const labelSelector = selector ? nestedString(object, selector) : { found: false as const };
      if ('error' in labelSelector) throw errors.internal(labelSelector.error);
      if (!specReplicas.found && purpose === 'get') {
        throw errors.internal(`the spec replicas field ${JSON.stringify(paths.specReplicasPath)} does not exist`);
      }
      return scaleObject(
        object,
        specReplicas.found ? specReplicas.value : missingReplicas,
        statusReplicas.found ? statusReplicas.value : 0,
        labelSelector.found ? labelSelector.value : '',
      );
    },
    withReplicas(object, replicas) {
      if (replicas === missingReplicas) {
        throw errors.badRequest(`the spec replicas field ${JSON.stringify(paths.specReplicasPath)} cannot be empty`);
      }
      const next = structuredClone(object);
      let current = next as Record<string, unknown>;
      for (let i = 0; i < spec.length - 1; i++) {
        const value = current[spec[i]!];
        if (value === undefined || value === null) current[spec[i]!] = {};
        else if (typeof value !== 'object' || Array.isArray(value)) {
          throw errors.internal(`value cannot be set because ${jsonPath(spec.slice(0, i + 1))} is not a map[string]interface{}`);
        }
        current = current[spec[i]!] as Record<string, unknown>;
      }
      current[spec[spec.length - 1]!] = replicas;
      return next;
    },
  };
}

/**
 * Upstream's ValidateScaleSpec/ValidateScaleStatus: the replicas at the scale paths must be int32s ≥ 0 and the
 * selector a string. The field is the CRD's path as written (with its leading dot), as field.NewPath prints it.
 */
export function scaleCauses(paths: CustomResourceSubresourceScale, object: KubeObject, includeSpec: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const checkReplicas = (path: string) => {
    const found = nestedInt(object, fieldsOf(path));
    if ('error' in found) causes.push(invalidCause(path, 0, found.error));
    else if (found.found && found.value < 0) causes.push(invalidCause(path, found.value, 'should be a non-negative integer'));
    else if (found.found && found.value > maxInt32) causes.push(invalidCause(path, found.value, `should be less than or equal to ${maxInt32}`));
  };
  if (includeSpec) checkReplicas(paths.specReplicasPath);
  checkReplicas(paths.statusReplicasPath);
  if (paths.labelSelectorPath) {
    const found = nestedString(object, fieldsOf(paths.labelSelectorPath));
    if ('error' in found) causes.push(invalidCause(paths.labelSelectorPath, '', found.error));
  }
  return causes;
}
