// The create verb: decode checks, namespace existence, defaults and system fields, validation, then the store.
import { adminUser } from '../../auth/user-info.js';
import { clonePlain } from '../../meta/deep-equal.js';
import { ApiError, errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import { storagePrefixOf, type Resource } from '../resource.js';
import type { AdmissionContext } from '../strategy.js';
import { recordView, viewOf, type ObjectView, type RegistryContext, type WriteOptions } from './context.js';
import { checkBody, checkNamespace, prepareForCreate, validate } from './object-rules.js';
import { trackManagedFields } from './managed-fields.js';
import { admitMutation, admitValidation } from './admission-steps.js';
import { translateStoreError } from './store-errors.js';

/** Upstream's RetryGenerateName (GA in 1.32): a generated name that turns out to be taken is generated afresh. */
const maxNameGenerationAttempts = 8;

export async function createObject(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  body: unknown,
  options: WriteOptions = {},
): Promise<ObjectView> {
  if (!generatesName(body)) return createOnce(ctx, resource, namespace, body, options);
  // The create fills the body in place: a retry starts again from a copy of it as it came.
  const pristine = clonePlain(body);
  for (let attempt = 1; ; attempt++) {
    try {
      // The whole create again, as upstream's createWithGenerateNameRetry (admission sees the new name too).
      return await createOnce(ctx, resource, namespace, attempt === 1 ? body : clonePlain(pristine), options);
    } catch (err) {
      if (attempt >= maxNameGenerationAttempts || !(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
    }
  }
}

function generatesName(body: unknown): boolean {
  const meta = (body as { metadata?: { name?: unknown; generateName?: unknown } } | null)?.metadata;
  return !!meta && !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
}

async function createOnce(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  body: unknown,
  options: WriteOptions,
): Promise<ObjectView> {
  const object = checkBody(resource, body, 'body', options);
  if (resource.strategy.review) {
    return viewOf(
      await resource.strategy.review(object, {
        user: options.user ?? adminUser,
        now: ctx.clock.now(),
        tokens: ctx.authentication?.(),
        authorizer: ctx.authorization?.(),
        namespace,
      }),
    );
  }
  checkNamespace(resource, object, namespace);
  const authorizer = options.user && resource.strategy.authorizeWrite ? ctx.authorization?.() : undefined;
  if (authorizer) await resource.strategy.authorizeWrite!(object, { resource: resource.groupResource, user: options.user!, authorizer, namespace });
  if (resource.namespaced) await requireActiveNamespace(ctx, namespace!, resource, object.metadata.name ?? '');
  prepareForCreate(resource, object, ctx);
  if (!options.managedFieldsSet) trackManagedFields(ctx, resource, undefined, object, options);
  // After managedFields, as upstream's field manager runs before admission: what a plugin sets belongs to no manager.
  await resource.strategy.admitCreate?.(object, admissionContext(ctx));
  const write = { operation: 'CREATE' as const, resource, namespace, name: object.metadata.name!, object, options, warnings: options.warnings };
  if (ctx.admission()) {
    await admitMutation(ctx, write);
    // Upstream decodes a mutated object again with defaulting, so what a webhook leaves out is defaulted.
    resource.strategy.applyDefaults?.(object);
  }
  validate(resource, object);
  if (ctx.admission()) await admitValidation(ctx, write);
  if (options.dryRun) {
    // Upstream's dry-run storage still answers AlreadyExists for a taken name.
    if (await ctx.store.get(resource.key(namespace, object.metadata.name!))) throw errors.alreadyExists(resource.groupResource, object.metadata.name!);
    return viewOf(object);
  }
  try {
    return recordView(await ctx.store.create(resource.key(namespace, object.metadata.name!), object));
  } catch (err) {
    throw translateStoreError(err, resource, object.metadata.name!);
  }
}

function admissionContext(ctx: RegistryContext): AdmissionContext {
  return {
    now: ctx.clock.now(),
    list: async (group, resource) => (await ctx.store.list(storagePrefixOf({ group, resource }))).records.map((r) => r.object as KubeObject),
  };
}

/** A namespaced create needs its namespace to exist and not be terminating, as upstream's NamespaceLifecycle. */
export async function requireActiveNamespace(ctx: RegistryContext, namespace: string, resource: Resource, name = ''): Promise<void> {
  const namespaces = ctx.namespaces();
  if (!namespaces) return;
  const record = await ctx.store.get(namespaces.key(undefined, namespace));
  if (!record) throw errors.notFound(namespaces.groupResource, namespace);
  const ns = record.object as KubeObject;
  if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
    // Upstream names the object (admission takes the name from the body on create), and adds the
    // NamespaceTerminating cause controllers look for to tell this refusal from a real failure.
    const refused = errors.forbidden(
      resource.groupResource,
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
    refused.details!.causes = [
      { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
    ];
    throw refused;
  }
}
