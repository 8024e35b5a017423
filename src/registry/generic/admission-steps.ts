// Where the generic verbs call admission: the request each plugin sees, built once per write attempt.
import type { KubeObject } from '../../meta/types.js';
import { defaultAdmissionUser, type AdmissionOperation, type AdmissionRequest } from '../admission.js';
import type { Resource } from '../resource.js';
import type { DeleteOptions, RegistryContext, WriteOptions } from './context.js';
import { applyScale, scaleOf } from './scale.js';

interface Write {
  operation: AdmissionOperation;
  resource: Resource;
  namespace: string | undefined;
  name: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  subresource?: string;
  options: WriteOptions | DeleteOptions;
  warnings?: string[];
}

function request(write: Write): AdmissionRequest {
  const kind = write.operation === 'CREATE' ? 'CreateOptions' : write.operation === 'UPDATE' ? 'UpdateOptions' : 'DeleteOptions';
  const options: Record<string, unknown> = { kind, apiVersion: 'meta.k8s.io/v1' };
  if (write.options.dryRun) options.dryRun = ['All'];
  const writeOptions = write.options as WriteOptions;
  if (writeOptions.fieldManager && write.operation !== 'DELETE') options.fieldManager = writeOptions.fieldManager;
  const deleteOptions = write.options as DeleteOptions;
  if (write.operation === 'DELETE') {
    if (deleteOptions.gracePeriodSeconds !== undefined) options.gracePeriodSeconds = deleteOptions.gracePeriodSeconds;
    if (deleteOptions.propagationPolicy) options.propagationPolicy = deleteOptions.propagationPolicy;
  }
  return {
    operation: write.operation,
    resource: write.resource,
    subresource: write.subresource,
    namespace: write.resource.namespaced ? write.namespace : undefined,
    name: write.name,
    object: write.object,
    oldObject: write.oldObject,
    dryRun: !!write.options.dryRun,
    options,
    userInfo: defaultAdmissionUser,
    warnings: write.warnings,
  };
}

/**
 * Mutating admission. On create the plugins see the object before the apiserver fills uid and creationTimestamp,
 * as upstream admits before BeforeCreate; the fields are put back afterwards (plugins cannot set them).
 */
export async function admitMutation(ctx: RegistryContext, write: Write): Promise<void> {
  const admission = ctx.admission();
  if (!admission) return;
  const object = write.object;
  if (write.subresource === 'scale' && object) {
    // Upstream admits the Scale the client wrote, not its parent: what a webhook changes there moves the parent.
    const scale = scaleOf(object, write.resource);
    await admission.mutate(request({ ...write, object: scale, oldObject: write.oldObject && scaleOf(write.oldObject, write.resource) }));
    Object.assign(object, applyScale(write.resource, object, scale));
    return;
  }
  if (write.operation === 'CREATE' && object) {
    const { uid, creationTimestamp } = object.metadata;
    delete object.metadata.uid;
    delete object.metadata.creationTimestamp;
    try {
      await admission.mutate(request(write));
    } finally {
      object.metadata.uid = uid;
      object.metadata.creationTimestamp = creationTimestamp;
    }
    return;
  }
  await admission.mutate(request(write));
}

/** Validating admission: runs after the strategy's own validation, just before storage. */
export async function admitValidation(ctx: RegistryContext, write: Write): Promise<void> {
  const admission = ctx.admission();
  if (!admission) return;
  if (write.subresource === 'scale' && write.object) {
    const scales = { object: scaleOf(write.object, write.resource), oldObject: write.oldObject && scaleOf(write.oldObject, write.resource) };
    await admission.validate(request({ ...write, ...scales }));
    return;
  }
  await admission.validate(request(write));
}
