// A policy binding's params (upstream CollectParams): by name or selector, in the right namespace, from storage.
import { ApiError } from '../meta/errors.js';
import { labelSelectorFromObject } from '../meta/label-selector.js';
import type { KubeObject } from '../meta/types.js';
import type { Resource } from '../registry/resource.js';
import type { Store } from '../store/types.js';
import type { ParamRef, ValidatingAdmissionPolicy } from './admission-types.js';
import { groupVersionKindString } from './attributes.js';

/** A binding or policy that cannot be enforced as configured; failurePolicy decides whether that denies. */
export class PolicyConfigurationError extends Error {}

type ParamKind = NonNullable<NonNullable<ValidatingAdmissionPolicy['spec']>['paramKind']>;

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The served resource of a paramKind, or the policy's configuration error when nothing serves it. */
export function resolveParamKind(paramKind: ParamKind, resources: readonly Resource[]): Resource | PolicyConfigurationError {
  const apiVersion = paramKind.apiVersion ?? '';
  const kind = paramKind.kind ?? '';
  const found = resources.find((r) => r.apiVersion === apiVersion && r.type.kind === kind);
  if (found) return found;
  const gvk = groupVersionKindString({ ...splitApiVersion(apiVersion), kind });
  return new PolicyConfigurationError(`failed to find resource referenced by paramKind: '${gvk}'`);
}

/** Native objects are stored with their type; CEL sees `params.kind` either way, as upstream's wrappedParam ensures. */
function withTypeMeta(object: KubeObject, paramKind: ParamKind): KubeObject {
  if (object.apiVersion && object.kind) return object;
  return { ...object, apiVersion: paramKind.apiVersion, kind: paramKind.kind };
}

/**
 * The params to evaluate the policy with: `[null]` when the policy or binding uses none, `[]` when none were found
 * and parameterNotFoundAction allows that (the binding then validates nothing). Throws PolicyConfigurationError.
 */
export async function collectParams(
  paramKind: ParamKind | undefined,
  paramResource: Resource | undefined,
  paramRef: ParamRef | undefined,
  requestNamespace: string,
  store: Store,
): Promise<(KubeObject | null)[]> {
  if (!paramKind || !paramRef || !paramResource) return [null];
  let namespace = '';
  if (paramResource.namespaced) {
    namespace = paramRef.namespace || requestNamespace;
    if (!namespace) throw new PolicyConfigurationError('cannot use namespaced paramRef in policy binding that matches cluster-scoped resources');
  } else if (paramRef.namespace) {
    throw new PolicyConfigurationError('paramRef.namespace must not be provided for a cluster-scoped `paramKind`');
  }
  let params: KubeObject[];
  if (paramRef.name) {
    if (paramRef.selector) throw new PolicyConfigurationError('paramRef.name and paramRef.selector are mutually exclusive');
    const record = await store.get(paramResource.key(namespace || undefined, paramRef.name));
    params = record ? [record.object as KubeObject] : [];
  } else if (paramRef.selector) {
    let selector;
    try {
      selector = labelSelectorFromObject(paramRef.selector);
    } catch (err) {
      if (err instanceof ApiError) throw new PolicyConfigurationError(err.message);
      throw err;
    }
    const listed = await store.list(paramResource.prefix(namespace || undefined));
    params = listed.records.map((r) => r.object as KubeObject).filter((o) => selector.matches(o.metadata.labels ?? {}));
  } else {
    throw new PolicyConfigurationError('one of name or selector must be provided');
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') {
    throw new PolicyConfigurationError('no params found for policy binding with `Deny` parameterNotFoundAction');
  }
  return params.map((p) => withTypeMeta(p, paramKind));
}
