// The update and patch verbs: read, transform, carry system fields, validate, compare-and-swap, retry on races.
import { clonePlain, deepEqual } from '../../meta/deep-equal.js';
import { errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import type { StoredRecord } from '../../store/types.js';
import type { Resource } from '../resource.js';
import { recordView, viewOf, type ObjectView, type RegistryContext, type WriteOptions } from './context.js';
import { createObject } from './create.js';
import { checkBody, checkNamespace, prepareForUpdate, shouldDeleteDuringUpdate, validate } from './object-rules.js';
import { trackManagedFields } from './managed-fields.js';
import { admitMutation, admitValidation } from './admission-steps.js';
import { isConflict, translateStoreError } from './store-errors.js';

/** Turns the stored object into the object the client wants written (a PUT body, or a patch applied). */
export type Transform = (current: KubeObject) => unknown;

const maxAttempts = 16;

export async function updateObject(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  name: string,
  body: unknown,
  options: WriteOptions = {},
): Promise<{ view: ObjectView; created: boolean }> {
  const object = checkBody(resource, body, 'body', options);
  if (object.metadata.name !== undefined && object.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  }
  object.metadata.name = name;
  checkNamespace(resource, object, namespace);
  const current = await ctx.store.get(resource.key(namespace, name));
  if (!current && resource.strategy.allowCreateOnUpdate && options.subresource === undefined) {
    return { view: await createObject(ctx, resource, namespace, object, options), created: true };
  }
  // The body was decoded, type-checked and field-validated above; each attempt only needs its own copy.
  const view = await guaranteedUpdate(ctx, resource, namespace, name, () => clonePlain(object), options, true);
  return { view, created: false };
}

export async function patchObject(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  name: string,
  applyPatch: Transform,
  options: WriteOptions = {},
): Promise<ObjectView> {
  return guaranteedUpdate(ctx, resource, namespace, name, applyPatch, options);
}

/**
 * Upstream's GuaranteedUpdate: the transform runs on the latest stored object; a race with another writer retries,
 * unless the client pinned a resourceVersion, which makes a stale one a 409.
 */
export async function guaranteedUpdate(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  name: string,
  transform: Transform,
  options: WriteOptions,
  /** The transform returns an already checked body that ignores the stored object (PUT): skip both. */
  prechecked = false,
): Promise<ObjectView> {
  const key = resource.key(namespace, name);
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.store.get(key);
    if (!current) throw errors.notFound(resource.groupResource, name);
    const old = current.object as KubeObject;
    const incoming = prechecked
      ? (transform(old) as KubeObject)
      : checkBody(resource, transform(clonePlain(old) as KubeObject), 'patch', {
          ...options,
          fieldScan: undefined,
          warnings: attempt === 0 ? options.warnings : undefined,
        });
    if (incoming.metadata.name !== name) {
      throw errors.badRequest(`the name of the object (${String(incoming.metadata.name)}) does not match the name on the URL (${name})`);
    }
    checkNamespace(resource, incoming, namespace);
    const pinned = incoming.metadata.resourceVersion;
    if (pinned && pinned !== old.metadata.resourceVersion) throw conflict(resource, name);
    const authorizer = options.user && resource.strategy.authorizeWrite ? ctx.authorization?.() : undefined;
    if (authorizer) await resource.strategy.authorizeWrite!(incoming, { resource: resource.groupResource, user: options.user!, authorizer, namespace, name, old });
    const write = { operation: 'UPDATE' as const, resource, namespace, name, oldObject: old, subresource: options.subresource, options };
    if (ctx.admission()) await admitMutation(ctx, { ...write, object: incoming, warnings: attempt === 0 ? options.warnings : undefined });
    const next = prepareForUpdate(resource, incoming, old, options.subresource, ctx);
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (!options.managedFieldsSet) trackManagedFields(ctx, resource, old, next, options);
    else if (next !== incoming) keepManagedFields(next, incoming); // /status writes start from the stored metadata
    validate(resource, next, old, options.subresource);
    if (ctx.admission()) await admitValidation(ctx, { ...write, object: next, warnings: attempt === 0 ? options.warnings : undefined });
    if (deepEqual(next, old)) return recordView(current); // a no-op write keeps the resourceVersion, as upstream
    if (options.dryRun) return viewOf(next);
    try {
      return await commit(ctx, resource, key, next, current);
    } catch (err) {
      if (isConflict(err) && !pinned && attempt < maxAttempts) continue;
      throw translateStoreError(err, resource, name);
    }
  }
}

async function commit(
  ctx: RegistryContext,
  resource: Resource,
  key: string,
  next: KubeObject,
  current: StoredRecord,
): Promise<ObjectView> {
  if (shouldDeleteDuringUpdate(resource, next, ctx.clock.now())) {
    // The last finalizer went away from an object already being deleted: the update completes the delete.
    return recordView(await ctx.store.delete(key, current.modRevision));
  }
  delete next.metadata.resourceVersion;
  return recordView(await ctx.store.update(key, next, current.modRevision));
}

/** Server-side apply computed metadata.managedFields on the object it returned: they survive the /status split. */
function keepManagedFields(next: KubeObject, applied: KubeObject): void {
  if (applied.metadata.managedFields) next.metadata.managedFields = applied.metadata.managedFields;
  else delete next.metadata.managedFields;
}

function conflict(resource: Resource, name: string) {
  return errors.conflict(
    resource.groupResource,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );
}
