// x-kubernetes-embedded-resource checks: apiVersion, kind and metadata of objects nested in a custom resource.
import { invalidCause, requiredCause } from '../../../meta/field-errors.js';
import { isDNS1035Label, validatePathSegmentName } from '../../../meta/name-validation.js';
import type { ObjectMeta, StatusCause } from '../../../meta/types.js';
import { validateObjectMeta } from '../../../meta/validation.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { child, index, key, type FieldPath } from './field-path.js';
import { isJsonObject } from './go-values.js';
import { objectMetaDecodeError } from './object-meta.js';

function validateEmbeddedResource(path: FieldPath, x: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!('apiVersion' in x)) causes.push(requiredCause(child(path, 'apiVersion')));
  if (!('kind' in x)) causes.push(requiredCause(child(path, 'kind')));
  for (const [k, v] of Object.entries(x)) {
    const p = child(path, k);
    if (k === 'apiVersion') {
      if (typeof v !== 'string') causes.push(invalidCause(p, v, 'must be a string'));
      else if (v === '') causes.push(invalidCause(p, v, 'must not be empty'));
      else if (v !== '/' && v.split('/').length > 2) causes.push(invalidCause(p, v, `unexpected GroupVersion string: ${v}`));
    } else if (k === 'kind') {
      if (typeof v !== 'string') causes.push(invalidCause(p, v, 'must be a string'));
      else if (v === '') causes.push(invalidCause(p, v, 'must not be empty'));
      else {
        const errs = isDNS1035Label(v.toLowerCase());
        if (errs.length > 0) causes.push(invalidCause(p, v, 'may have mixed case, but should otherwise match: ' + errs.join(',')));
      }
    } else if (k === 'metadata') {
      const decodeError = objectMetaDecodeError(v);
      if (decodeError !== undefined) {
        causes.push(invalidCause(p, v, decodeError));
        continue;
      }
      const meta: ObjectMeta = isJsonObject(v) ? { ...(v as ObjectMeta) } : {};
      // upstream fills a name in so that an embedded template without one passes
      if (!meta.name) meta.name = 'fakename';
      causes.push(...validateObjectMeta(meta, { namespaced: !!meta.namespace, nameValidator: validatePathSegmentName, fieldPath: p }));
    }
  }
  return causes;
}

function validate(path: FieldPath, x: unknown, s: JSONSchemaProps | undefined): StatusCause[] {
  if (!s) return [];
  const causes: StatusCause[] = [];
  if (isJsonObject(x)) {
    if (s['x-kubernetes-embedded-resource']) causes.push(...validateEmbeddedResource(path, x));
    const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) causes.push(...validate(child(path, k), v, prop));
      else if (additional) causes.push(...validate(key(path, k), v, additional));
    }
  } else if (Array.isArray(x)) {
    const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
    x.forEach((v, i) => causes.push(...validate(index(path, i), v, items)));
  }
  return causes;
}

/** upstream objectmeta.Validate with isResourceRoot=false: the root's own metadata is the strategy's business. */
export function validateEmbeddedResources(schema: JSONSchemaProps, object: unknown): StatusCause[] {
  return validate(undefined, object, schema);
}
