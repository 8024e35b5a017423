// The metadata rules every resource shares on create and update (upstream rest.BeforeCreate / BeforeUpdate).
import { rfc3339 } from '../../clock/clock.js';
import { clonePlain, deepEqual } from '../../meta/deep-equal.js';
import { errors } from '../../meta/errors.js';
import { isPlainObject, type KubeObject, type ObjectMeta, type StatusCause } from '../../meta/types.js';
import { invalidCause, nameValidators, validateObjectMeta } from '../../meta/validation.js';
import type { Resource } from '../resource.js';
import { typeMismatchError } from '../schema/typed-decode.js';
import type { RegistryContext, WriteOptions } from './context.js';
import { validateFields } from './field-validation.js';

/** Checks that a request body is an object of this resource's apiVersion and kind, filling them in when absent. */
export function checkBody(
  resource: Resource,
  body: unknown,
  origin: 'body' | 'patch' = 'body',
  options: WriteOptions = {},
): KubeObject {
  if (!isPlainObject(body)) {
    throw errors.badRequest(`the body of the request was not a ${resource.kind} object`);
  }
  const object = body as KubeObject;
  const typed = typeof object.apiVersion !== 'object' && typeof object.kind !== 'object';
  if (typed && object.apiVersion !== undefined && object.apiVersion !== resource.apiVersion) {
    throw errors.badRequest(
      `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${resource.apiVersion})`,
    );
  }
  if (typed && object.kind !== undefined && object.kind !== resource.kind) {
    throw errors.badRequest(
      `the kind in the data (${String(object.kind)}) does not match the expected kind (${resource.kind})`,
    );
  }
  const mismatch = resource.schema?.typeCheck(object);
  if (mismatch) {
    if (origin === 'body') throw typeMismatchError(resource.kind, resource.type.version, mismatch);
    // A patch that produces a value of the wrong type is a 422 on `patch`, as upstream's patcher reports it.
    throw errors.invalid(resource.kind, resource.type.group, String(object.metadata?.name ?? ''), [
      invalidCause('patch', JSON.stringify(object), mismatch.message),
    ]);
  }
  const patchValue = origin === 'patch' ? () => options.patchValue?.() ?? JSON.stringify(object) : undefined;
  validateFields(resource, object, options.fieldValidation ?? 'Warn', options.warnings, options.fieldScan, patchValue);
  if (object.metadata === undefined || object.metadata === null) object.metadata = {};
  if (!isPlainObject(object.metadata)) {
    throw errors.badRequest(`json: cannot unmarshal ${jsonTypeName(object.metadata)} into Go struct field ${resource.kind}.metadata of type v1.ObjectMeta`);
  }
  // Rebuild with kind/apiVersion/metadata first: the order upstream serializes, and what people read in -o yaml dumps.
  const { apiVersion: _a, kind: _k, metadata, ...rest } = object;
  return { kind: resource.kind, apiVersion: resource.apiVersion, metadata, ...rest } as KubeObject;
}

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** The namespace in the URL decides; a different one in the body is a 400 as upstream. */
export function checkNamespace(resource: Resource, object: KubeObject, namespace: string | undefined): void {
  const meta = object.metadata;
  if (!resource.namespaced) {
    if (meta.namespace) delete meta.namespace; // upstream silently clears it for cluster-scoped kinds
    return;
  }
  if (meta.namespace && meta.namespace !== namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  meta.namespace = namespace;
}

/** Fills the system fields of a new object (upstream FillObjectMetaSystemFields and strategy PrepareForCreate). */
export function prepareForCreate(resource: Resource, object: KubeObject, ctx: RegistryContext): void {
  const meta = object.metadata;
  if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) {
    meta.name = meta.generateName + ctx.nameSuffix();
  }
  meta.uid = ctx.uid();
  meta.creationTimestamp = rfc3339(ctx.clock.now());
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (resource.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
  // The main resource of a kind with a status subresource never takes status from a create, except where the
  // strategy says otherwise (a kubelet registers its Node with capacity and conditions).
  if (resource.hasStatus && !resource.strategy.keepsStatusOnCreate) object.status = {};
  resource.strategy.applyDefaults?.(object);
  resource.strategy.prepareForCreate?.(object, { now: ctx.clock.now() });
  dropEmptyMetaCollections(meta);
}

/** Go's `omitempty` drops ObjectMeta's empty maps and lists, e.g. `annotations: {}` once the last one is removed. */
function dropEmptyMetaCollections(meta: ObjectMeta): void {
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields'] as const) {
    const value: unknown = meta[key];
    if (value === null || (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0)) {
      delete meta[key];
    }
  }
}

/**
 * Carries system fields over from the stored object (upstream rest.BeforeUpdate) and applies the main-resource or
 * status-subresource split: a spec write keeps the stored status, a status write keeps everything but status.
 */
export function prepareForUpdate(
  resource: Resource,
  incoming: KubeObject,
  old: KubeObject,
  subresource: string | undefined,
  ctx: RegistryContext,
): KubeObject {
  let object = incoming;
  if (subresource === 'binding') {
    // pods/binding writes storage directly upstream: spec.nodeName and the PodScheduled condition together.
  } else if (subresource === 'status') {
    object = statusWriteBase(old, incoming, resource.strategy.statusKeepsMetadataExceptLabels === true);
    object.metadata.resourceVersion = incoming.metadata.resourceVersion;
  } else if (resource.hasStatus) {
    if (old.status === undefined) delete object.status;
    else object.status = clonePlain(old.status);
  }
  const meta: ObjectMeta = object.metadata;
  const oldMeta = old.metadata;
  if (!meta.uid) meta.uid = oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  // Upstream defaults every decoded body, /status writes included (a node's allocatable follows its capacity).
  resource.strategy.applyDefaults?.(object);
  // namespaces/finalize has its own upstream strategy: the body's spec (its finalizers) is taken, where the main
  // strategy would keep the stored one; status was already carried over above.
  if (subresource !== 'finalize') resource.strategy.prepareForUpdate?.(object, old, { now: ctx.clock.now() });
  // Compared after defaulting and the strategy's own carry-overs, so neither counts as a spec change.
  if (resource.tracksGeneration) {
    const counted = resource.strategy.generationCountsStatus ? withoutMeta : withoutMetaAndStatus;
    const changed = subresource !== 'status' && subresource !== 'binding' && !deepEqual(counted(object), counted(old));
    meta.generation = (oldMeta.generation ?? 1) + (changed ? 1 : 0);
  } else if (oldMeta.generation !== undefined) {
    meta.generation = oldMeta.generation;
  } else {
    delete meta.generation;
  }
  dropEmptyMetaCollections(meta);
  return object;
}

/**
 * `{ ...structuredClone(old), status: incoming.status }`, with the metadata of `incoming` (but the stored labels)
 * where the strategy says so, copying only the members that are kept: the stored status is replaced anyway.
 */
function statusWriteBase(old: KubeObject, incoming: KubeObject, keepIncomingMetadata: boolean): KubeObject {
  const object = {} as KubeObject;
  for (const key of Object.keys(old)) {
    if (key === 'status' || (key === 'metadata' && keepIncomingMetadata)) (object as Record<string, unknown>)[key] = undefined;
    else (object as Record<string, unknown>)[key] = clonePlain((old as Record<string, unknown>)[key]);
  }
  object.status = incoming.status;
  if (keepIncomingMetadata) {
    object.metadata = { ...clonePlain(incoming.metadata), labels: clonePlain(old.metadata.labels) };
    if (object.metadata.labels === undefined) delete object.metadata.labels;
  }
  return object;
}

function withoutMeta(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

function withoutMetaAndStatus(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

/** Validates an object (metadata rules, then the strategy's own), throwing 422 Invalid with every cause. */
export function validate(resource: Resource, object: KubeObject, old?: KubeObject, subresource?: string): void {
  const validator = nameValidators[resource.strategy.nameValidation ?? 'dns1123Subdomain'];
  const causes: StatusCause[] = validateObjectMeta(object.metadata, {
    namespaced: resource.namespaced,
    nameValidator: validator,
  });
  if (old) causes.push(...immutableMetaCauses(object.metadata, old.metadata));
  causes.push(...(resource.strategy.validate?.(object, old, subresource) ?? []));
  if (causes.length > 0) {
    throw errors.invalid(resource.kind, resource.type.group, object.metadata.name ?? '', causes);
  }
}

function immutableMetaCauses(meta: ObjectMeta, old: ObjectMeta): StatusCause[] {
  const causes: StatusCause[] = [];
  if (meta.uid !== old.uid) causes.push(invalidCause('metadata.uid', meta.uid, 'field is immutable'));
  if (meta.namespace !== old.namespace && (meta.namespace || old.namespace)) {
    causes.push(invalidCause('metadata.namespace', meta.namespace, 'field is immutable'));
  }
  return causes;
}

/**
 * Whether an update leaves an object marked for deletion with nothing left to wait for. A resource's own lifecycle
 * can still hold it, as upstream's ShouldDeleteNamespaceDuringUpdate keeps a namespace while spec.finalizers remain.
 */
export function shouldDeleteDuringUpdate(resource: Resource, object: KubeObject, now: number): boolean {
  const meta = object.metadata;
  const released =
    !!meta.deletionTimestamp && (!meta.finalizers || meta.finalizers.length === 0) && (meta.deletionGracePeriodSeconds ?? 0) === 0;
  // onDelete may mark the object it is given (a namespace's Terminating phase): it only answers here.
  return released && resource.strategy.onDelete?.(clonePlain(object), { now }) !== 'keep';
}
