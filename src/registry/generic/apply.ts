// Server-side apply: merge the applied configuration into the live object under field ownership, or create it.
import { rfc3339 } from '../../clock/clock.js';
import { errors } from '../../meta/errors.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import { applyObject, validatePatchOptions } from '../../patch/apply/index.js';
import type { Resource } from '../resource.js';
import type { ObjectView, RegistryContext, WriteOptions } from './context.js';
import { createObject } from './create.js';
import { asClientError, resetFields } from './managed-fields.js';
import { guaranteedUpdate } from './update.js';

export interface ApplyOptions extends WriteOptions {
  force?: boolean;
}

export async function applyPatch(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  name: string,
  applied: unknown,
  options: ApplyOptions,
): Promise<{ view: ObjectView; created: boolean }> {
  const invalid = validatePatchOptions({ apply: true, fieldManager: options.fieldManager, force: options.force });
  if (invalid) throw invalid;
  const schema = resource.schema;
  if (!schema) {
    throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']);
  }
  if (!isPlainObject(applied)) throw errors.badRequest('the applied configuration must be an object');
  const meta = isPlainObject(applied.metadata) ? applied.metadata : undefined;
  if (meta?.name !== undefined && meta.name !== name) {
    throw errors.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  }
  if (resource.namespaced && meta?.namespace !== undefined && meta.namespace !== namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const applyTo = (live: KubeObject | undefined): KubeObject => {
    try {
      return applyObject({
        live,
        applied,
        manager: options.fieldManager!,
        force: options.force ?? false,
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        time: rfc3339(ctx.clock.now()),
        schema: schema.node(),
        subresource: options.subresource,
        ignoredFields: resetFields(resource, options.subresource),
      }).object;
    } catch (err) {
      // A configuration the schema refuses (unknown fields, wrong types) is upstream's plain error, answered 500
      // there; it is the client's mistake, so kubefake keeps the text and answers 400.
      throw asClientError(err);
    }
  };
  // No fieldValidation pass: upstream's typed conversion refuses unknown fields whatever the directive (kubectl shows
  // "failed to create typed patch object … field not declared in schema"), so they are neither merged nor owned.
  const applyOptions: WriteOptions = { ...options, managedFieldsSet: true, warnings: undefined };
  const existing = await ctx.store.get(resource.key(namespace, name));
  if (!existing) {
    if (options.subresource) throw errors.notFound(resource.groupResource, name);
    const created = applyTo(undefined);
    created.metadata = { ...created.metadata, name };
    if (resource.namespaced) created.metadata.namespace = namespace;
    return { view: await createObject(ctx, resource, namespace, created, applyOptions), created: true };
  }
  const view = await guaranteedUpdate(ctx, resource, namespace, name, (live) => applyTo(live), applyOptions);
  return { view, created: false };
}
