// Keeps metadata.managedFields on every non-apply write: the writer's manager takes the fields its write changed.
import { rfc3339 } from '../../clock/clock.js';
import { ApiError, errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import { fieldElement, FieldSet, managerFromRequest, ManagedFieldsError, updateManagedFields } from '../../patch/apply/index.js';
import type { Resource } from '../resource.js';
import type { RegistryContext, WriteOptions } from './context.js';

/** The fields an endpoint resets (upstream resetFields): status on the main resource, spec on /status. */
export function resetFields(resource: Resource, subresource: string | undefined): FieldSet | undefined {
  if (!resource.hasStatus) return undefined;
  return FieldSet.of([fieldElement(subresource === 'status' ? 'spec' : 'status')]);
}

export function trackManagedFields(
  ctx: RegistryContext,
  resource: Resource,
  old: KubeObject | undefined,
  next: KubeObject,
  options: WriteOptions,
): void {
  const schema = resource.schema;
  if (!schema) return;
  let entries;
  try {
    entries = updateManagedFields({
      old,
      next,
      manager: managerFromRequest(options.fieldManager, options.userAgent),
      apiVersion: resource.apiVersion,
      subresource: options.subresource,
      time: rfc3339(ctx.clock.now()),
      schema: schema.node(),
      ignoredFields: resetFields(resource, options.subresource),
    });
  } catch (err) {
    throw asClientError(err);
  }
  if (entries.length) next.metadata.managedFields = entries;
  else delete next.metadata.managedFields;
}

/** Managed-fields problems come from what the client sent: never let them surface as server errors. */
export function asClientError(err: unknown): unknown {
  if (err instanceof ManagedFieldsError) return errors.badRequest(err.message);
  if (err instanceof ApiError && err.code >= 500) return new ApiError(400, 'BadRequest', err.message, err.details);
  return err;
}
