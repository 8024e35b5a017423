// Translates storage errors into API errors, once, for every operation.
import { ApiError, errors } from '../../meta/errors.js';
import { StoreError } from '../../store/types.js';
import type { Resource } from '../resource.js';

export function translateStoreError(err: unknown, resource: Resource, name: string): unknown {
  if (!(err instanceof StoreError)) return err;
  switch (err.code) {
    case 'notFound':
      return errors.notFound(resource.groupResource, name);
    case 'exists':
      return errors.alreadyExists(resource.groupResource, name);
    case 'conflict':
      return errors.conflict(
        resource.groupResource,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    case 'expired':
      return errors.expired(err.message);
  }
}

export function isConflict(err: unknown): boolean {
  return err instanceof StoreError && err.code === 'conflict';
}

export { ApiError };
